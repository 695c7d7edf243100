package dev.resilientrpc.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer.Lease;

import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.SERVICE;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instance;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instances;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lookups on many threads while the membership changes under them.
 */
class ConcurrentMembershipTests {

	private static final int KEYS = 2_000;

	@Test
	void lookupsSeeEitherTheOldRingOrTheNewOneWhileMembershipChanges() throws Exception {
		List<ServiceInstance> first = instances(12);
		List<ServiceInstance> second = new ArrayList<>(first.subList(2, 12));
		second.addAll(List.of(instance(20), instance(21), instance(22)));
		run(first, second, 200);
	}

	@Test
	void ringsOfAThousandInstancesAreSwappedWithoutStoppingLookups() throws Exception {
		List<ServiceInstance> first = instances(1_000);
		List<ServiceInstance> second = new ArrayList<>(first.subList(0, 990));
		run(first, second, 6);
	}

	private void run(List<ServiceInstance> first, List<ServiceInstance> second, int swaps) throws Exception {
		HashRing ringOfFirst = HashRing.of(first, 160);
		HashRing ringOfSecond = HashRing.of(second, 160);
		ServiceInstance[] ownersInFirst = new ServiceInstance[KEYS];
		ServiceInstance[] ownersInSecond = new ServiceInstance[KEYS];
		for (int i = 0; i < KEYS; i++) {
			ownersInFirst[i] = ringOfFirst.locate(key(i));
			ownersInSecond[i] = ringOfSecond.locate(key(i));
		}
		AtomicReference<List<ServiceInstance>> members = new AtomicReference<>(first);
		ConsistentHashLoadBalancer balancer = ConsistentHashLoadBalancer.builder((service) -> members.get())
			.rebuildExecutor((task) -> {
				// only the writer below builds rings
			})
			.build();
		balancer.refresh(SERVICE);
		int readers = 4;
		AtomicBoolean done = new AtomicBoolean();
		AtomicBoolean building = new AtomicBoolean();
		AtomicLong lookupsDuringBuilds = new AtomicLong();
		AtomicLong lookups = new AtomicLong();
		ExecutorService executor = Executors.newFixedThreadPool(readers);
		CountDownLatch started = new CountDownLatch(readers);
		List<Future<?>> futures = new ArrayList<>();
		try {
			for (int r = 0; r < readers; r++) {
				int offset = r;
				futures.add(executor.submit(() -> {
					started.countDown();
					int i = offset;
					while (!done.get()) {
						int k = i++ % KEYS;
						boolean duringBuild = building.get();
						try (Lease lease = balancer.lease(SERVICE, key(k))) {
							ServiceInstance owner = lease.instance();
							if (!owner.equals(ownersInFirst[k]) && !owner.equals(ownersInSecond[k])) {
								throw new AssertionError(key(k) + " went to " + owner + ", owner in neither ring");
							}
						}
						if (duringBuild && building.get()) {
							lookupsDuringBuilds.incrementAndGet();
						}
						lookups.incrementAndGet();
					}
					return null;
				}));
			}
			started.await();
			for (int swap = 0; swap < swaps; swap++) {
				members.set((swap % 2 == 0) ? second : first);
				building.set(true);
				balancer.refresh(SERVICE);
				building.set(false);
				Thread.yield();
			}
			done.set(true);
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			done.set(true);
			executor.shutdownNow();
		}
		assertThat(balancer.status(SERVICE).ringVersion()).isEqualTo(swaps + 1);
		assertThat(balancer.status(SERVICE).inFlight()).isZero();
		assertThat(lookups.get()).isPositive();
		if (first.size() >= 1_000) {
			assertThat(lookupsDuringBuilds.get()).as("lookups completed while a ring was being built").isPositive();
		}
	}

}
