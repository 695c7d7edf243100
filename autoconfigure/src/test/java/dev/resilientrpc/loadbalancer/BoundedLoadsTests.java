package dev.resilientrpc.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer.Lease;
import dev.resilientrpc.loadbalancer.LoadBalancerFixtures.ReferenceRing;

import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.SERVICE;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.call;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instances;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the bounded loads of {@link ConsistentHashLoadBalancer}.
 */
class BoundedLoadsTests {

	private static final double C = 1.25;

	private final List<ServiceInstance> members = instances(4);

	private final ReferenceRing reference = new ReferenceRing(this.members, 160, Map.of());

	private final ConsistentHashLoadBalancer balancer = ConsistentHashLoadBalancer.builder((service) -> this.members)
		.loadFactor(C)
		.build();

	@Test
	void aLoneCallAlwaysGoesToItsOwner() {
		for (int i = 0; i < 1_000; i++) {
			try (Lease lease = this.balancer.lease(SERVICE, key(i))) {
				assertThat(lease.instance()).isEqualTo(this.reference.owner(key(i)));
			}
		}
	}

	@Test
	void evenLoadsKeepEveryKeyWithItsOwner() {
		List<Lease> held = new ArrayList<>();
		List<String> keysOfEach = new ArrayList<>();
		for (ServiceInstance member : this.members) {
			keysOfEach.add(keyOwnedBy(member));
		}
		for (int round = 0; round < 5; round++) {
			for (String key : keysOfEach) {
				Lease lease = this.balancer.lease(SERVICE, key);
				assertThat(lease.instance()).isEqualTo(this.reference.owner(key));
				held.add(lease);
			}
		}
		for (int i = 0; i < 2_000; i++) {
			try (Lease lease = this.balancer.lease(SERVICE, key(i))) {
				assertThat(lease.instance()).isEqualTo(this.reference.owner(key(i)));
			}
		}
		assertThat(this.balancer.status(SERVICE).failovers()).isZero();
		held.forEach(Lease::close);
	}

	@Test
	void hotKeySpillsOverClockwiseAndNoInstanceExceedsTheBound() {
		String hot = key(1);
		List<ServiceInstance> walk = this.reference.walk(hot);
		List<Lease> held = new ArrayList<>();
		Map<ServiceInstance, Integer> loads = new ConcurrentHashMap<>();
		for (int m = 1; m <= 100; m++) {
			Lease lease = this.balancer.lease(SERVICE, hot);
			held.add(lease);
			loads.merge(lease.instance(), 1, Integer::sum);
			int bound = (int) Math.ceil(C * m / this.members.size());
			assertThat(loads.values()).allSatisfy((load) -> assertThat(load).isLessThanOrEqualTo(bound));
			if (m == 2) {
				assertThat(lease.instance()).as("first spill").isEqualTo(walk.get(1));
			}
		}
		assertThat(held.get(0).instance()).isEqualTo(walk.get(0));
		assertThat(loads.get(walk.get(0))).isEqualTo((int) Math.ceil(C * 100 / 4));
		held.forEach(Lease::close);
		assertThat(this.balancer.status(SERVICE).inFlight()).isZero();
	}

	@Test
	void boundIsNeverExceededUnderConcurrentCalls() throws Exception {
		int threads = 8;
		int callsPerThread = 3_000;
		Map<ServiceInstance, AtomicInteger> inFlight = new ConcurrentHashMap<>();
		Map<ServiceInstance, AtomicInteger> peaks = new ConcurrentHashMap<>();
		for (ServiceInstance member : this.members) {
			inFlight.put(member, new AtomicInteger());
			peaks.put(member, new AtomicInteger());
		}
		RpcTransport transport = (call) -> {
			ServiceInstance target = call.getTarget();
			int now = inFlight.get(target).incrementAndGet();
			peaks.get(target).accumulateAndGet(now, Math::max);
			Thread.yield();
			inFlight.get(target).decrementAndGet();
			return null;
		};
		RpcClient client = new RpcClient(List.of(this.balancer), transport);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int seed = t;
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < callsPerThread; i++) {
						// most calls share one hot key
						client.execute(call((i % 4 == 0) ? key(seed * callsPerThread + i) : "hot"));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		// a call is counted by the balancer before the transport sees it and after the
		// transport
		// is done with it, and never more than `threads` calls are in flight at once
		int bound = (int) Math.ceil(C * threads / this.members.size());
		assertThat(peaks.values()).allSatisfy((peak) -> assertThat(peak.get()).isLessThanOrEqualTo(bound));
		ServiceStatus status = this.balancer.status(SERVICE);
		assertThat(status.inFlight()).isZero();
		assertThat(status.instances()).allSatisfy((instance) -> assertThat(instance.inFlight()).isZero());
		assertThat(status.failovers()).as("the hot key spilled over").isPositive();
	}

	@Test
	void weightedInstancesGetBoundsInProportion() {
		ServiceInstance heavy = this.members.get(0);
		ConsistentHashLoadBalancer weighted = ConsistentHashLoadBalancer.builder((service) -> this.members)
			.loadFactor(C)
			.weights((instance) -> instance.equals(heavy) ? 2.0 : 1.0)
			.build();
		String hot = keyOwnedBy(heavy);
		List<Lease> held = new ArrayList<>();
		int onHeavy = 0;
		for (int m = 1; m <= 50; m++) {
			Lease lease = weighted.lease(SERVICE, hot);
			held.add(lease);
			if (lease.instance().equals(heavy)) {
				onHeavy++;
			}
		}
		// fair share of the heavy instance: 2/5 of 50 calls, times 1.25
		assertThat(onHeavy).isEqualTo(25);
		held.forEach(Lease::close);
	}

	@Test
	void loadFactorMustExceedOne() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ConsistentHashLoadBalancer.builder((service) -> this.members).loadFactor(1.0))
			.withMessage("loadFactor: 1.0 (expected: > 1)");
	}

	private String keyOwnedBy(ServiceInstance member) {
		for (int i = 0;; i++) {
			if (this.reference.owner(key(i)).equals(member)) {
				return key(i);
			}
		}
	}

}
