package dev.resilientrpc.loadbalancer;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.client.NoAvailableInstanceException;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.client.RpcTransportException;
import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer.Lease;
import dev.resilientrpc.loadbalancer.LoadBalancerFixtures.MutableClock;
import dev.resilientrpc.loadbalancer.LoadBalancerFixtures.ReferenceRing;
import dev.resilientrpc.loadbalancer.LoadBalancerFixtures.RetryAll;
import dev.resilientrpc.protocol.InterceptorOrder;

import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.SERVICE;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.call;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instance;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instances;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link ConsistentHashLoadBalancer}: routing, failover, retries and
 * membership.
 */
class ConsistentHashLoadBalancerTests {

	private final List<ServiceInstance> members = instances(10);

	private final ReferenceRing reference = new ReferenceRing(this.members, 160, Map.of());

	private final MutableClock clock = new MutableClock();

	/** Instances whose availability check says no. */
	private final Set<ServiceInstance> unavailable = ConcurrentHashMap.newKeySet();

	/** Instances that refuse connections. */
	private final Set<ServiceInstance> down = ConcurrentHashMap.newKeySet();

	/** Instances that fail after the request may have been sent. */
	private final Set<ServiceInstance> broken = ConcurrentHashMap.newKeySet();

	private final List<ServiceInstance> targets = new CopyOnWriteArrayList<>();

	private final RpcTransport transport = (call) -> {
		ServiceInstance target = call.getTarget();
		this.targets.add(target);
		if (this.down.contains(target)) {
			throw new RpcConnectException(target.endpoint(), new ConnectException("Connection refused"));
		}
		if (this.broken.contains(target)) {
			throw new RpcTransportException("reset", target.endpoint(), null);
		}
		return target.endpoint().toString();
	};

	private ConsistentHashLoadBalancer balancer = balancer(this.members);

	private ConsistentHashLoadBalancer balancer(List<ServiceInstance> instances) {
		return ConsistentHashLoadBalancer.builder((service) -> instances)
			.availability(List.of((instance) -> !this.unavailable.contains(instance)))
			.coolDown(Duration.ofSeconds(5))
			.clock(this.clock)
			.rebuildExecutor(Runnable::run)
			.build();
	}

	private RpcClient client(ClientInterceptor... outer) {
		List<ClientInterceptor> interceptors = new ArrayList<>(List.of(outer));
		interceptors.add(this.balancer);
		return new RpcClient(interceptors, this.transport);
	}

	private List<ServiceInstance> attemptsOf(RpcClient client, String key) {
		this.targets.clear();
		try {
			client.execute(call(key));
		}
		catch (RuntimeException ex) {
			// the targets tell what happened
		}
		return new ArrayList<>(this.targets);
	}

	@Test
	void callsGoToTheOwnerOfTheirKey() {
		RpcClient client = client();
		for (int i = 0; i < 5_000; i++) {
			assertThat(client.execute(call(key(i)))).isEqualTo(this.reference.owner(key(i)).endpoint().toString());
		}
		assertThat(this.balancer.owner(SERVICE, key(1))).isEqualTo(this.reference.owner(key(1)));
		assertThat(this.balancer.status(SERVICE).failovers()).isZero();
	}

	@Test
	void unavailableInstancesArePassedOverForTheNextDistinctInstanceClockwise() {
		this.unavailable.addAll(List.of(this.members.get(1), this.members.get(4), this.members.get(7)));
		RpcClient client = client();
		int failovers = 0;
		for (int i = 0; i < 5_000; i++) {
			List<ServiceInstance> walk = this.reference.walk(key(i));
			ServiceInstance expected = walk.stream()
				.filter((instance) -> !this.unavailable.contains(instance))
				.findFirst()
				.orElseThrow();
			assertThat(attemptsOf(client, key(i))).as("attempts of %s", key(i)).containsExactly(expected);
			if (!expected.equals(walk.get(0))) {
				failovers++;
			}
		}
		assertThat(failovers).isBetween(1_000, 2_000);
		assertThat(this.balancer.status(SERVICE).failovers()).isEqualTo(failovers);
	}

	@Test
	void retriesGoToTheNextDistinctInstancesClockwise() {
		this.members.forEach(this.broken::add);
		RpcClient client = client(new RetryAll(4));
		for (int i = 0; i < 1_000; i++) {
			assertThat(attemptsOf(client, key(i))).isEqualTo(this.reference.walk(key(i)).subList(0, 4));
		}
	}

	@Test
	void retryAfterAFailoverContinuesAfterTheInstanceThatFailedEvenIfTheOwnerIsBack() {
		String key = key(42);
		List<ServiceInstance> walk = this.reference.walk(key);
		this.unavailable.add(walk.get(0));
		this.broken.add(walk.get(1));
		ClientInterceptor ownerComesBack = new ClientInterceptor() {

			@Override
			public Object intercept(ClientCall call, ClientInterceptorChain chain) {
				try {
					return chain.proceed(call);
				}
				catch (RuntimeException ex) {
					ConsistentHashLoadBalancerTests.this.unavailable.clear();
					call.setAttempt(2);
					return chain.proceed(call);
				}
			}

			@Override
			public int getOrder() {
				return InterceptorOrder.Client.RETRY;
			}

		};
		assertThat(attemptsOf(client(ownerComesBack), key)).containsExactly(walk.get(1), walk.get(2));
	}

	@Test
	void refusedConnectionPassesTheInstanceOverUntilItsCoolDownEndsAndThenItsKeysReturn() {
		String key = key(7);
		List<ServiceInstance> walk = this.reference.walk(key);
		RpcClient client = client(new RetryAll(3));
		this.down.add(walk.get(0));
		assertThat(attemptsOf(client, key)).containsExactly(walk.get(0), walk.get(1));
		assertThat(attemptsOf(client, key)).containsExactly(walk.get(1));
		assertThat(this.balancer.status(SERVICE).instances().get(this.members.indexOf(walk.get(0))).state())
			.isEqualTo(InstanceStatus.State.COOLING_DOWN);
		this.down.clear();
		this.clock.advance(4_999);
		assertThat(attemptsOf(client, key)).containsExactly(walk.get(1));
		this.clock.advance(1);
		assertThat(attemptsOf(client, key)).containsExactly(walk.get(0));
	}

	@Test
	void successEndsTheCoolDownAtOnce() {
		String key = key(8);
		List<ServiceInstance> walk = this.reference.walk(key);
		this.down.add(walk.get(0));
		attemptsOf(client(), key);
		this.down.clear();
		this.unavailable.addAll(this.members);
		// nothing is available: the owner is tried anyway, answers, and is taken back
		assertThat(attemptsOf(client(), key)).containsExactly(walk.get(0));
		this.unavailable.clear();
		assertThat(attemptsOf(client(), key)).containsExactly(walk.get(0));
	}

	@Test
	void failureThatMayHaveReachedTheServerDoesNotPassTheInstanceOver() {
		String key = key(9);
		ServiceInstance owner = this.reference.owner(key);
		this.broken.add(owner);
		assertThat(attemptsOf(client(), key)).containsExactly(owner);
		assertThat(attemptsOf(client(), key)).containsExactly(owner);
	}

	@Test
	void whenNoInstanceIsAvailableTheWalkIsTriedAnyway() {
		this.unavailable.addAll(this.members);
		this.members.forEach(this.broken::add);
		String key = key(10);
		assertThat(attemptsOf(client(new RetryAll(3)), key)).isEqualTo(this.reference.walk(key).subList(0, 3));
	}

	@Test
	void aRetryMayGoBackToAnAvailableInstanceAlreadyTriedWhenNoOtherIsAvailable() {
		String key = key(11);
		List<ServiceInstance> walk = this.reference.walk(key);
		this.unavailable.addAll(walk.subList(2, walk.size()));
		this.members.forEach(this.broken::add);
		assertThat(attemptsOf(client(new RetryAll(4)), key)).containsExactly(walk.get(0), walk.get(1), walk.get(0),
				walk.get(1));
	}

	@Test
	void everyAvailabilityCheckMustApprove() {
		ServiceInstance first = this.members.get(0);
		ServiceInstance second = this.members.get(1);
		InstanceAvailability notFirst = (instance) -> !instance.equals(first);
		InstanceAvailability notSecond = (instance) -> !instance.equals(second);
		this.balancer = ConsistentHashLoadBalancer.builder((service) -> this.members)
			.availability(List.of(notFirst, notSecond))
			.build();
		RpcClient client = client();
		for (int i = 0; i < 2_000; i++) {
			assertThat(attemptsOf(client, key(i))).doesNotContain(first, second);
		}
	}

	@Test
	void callsWithoutKeyAreSpreadEvenly() {
		RpcClient client = client();
		Map<ServiceInstance, Integer> counts = new HashMap<>();
		for (int i = 0; i < 50_000; i++) {
			counts.merge(attemptsOf(client, null).get(0), 1, Integer::sum);
		}
		// binomial(50,000, 0.1): a standard deviation of 67 calls
		assertThat(counts).hasSize(10);
		assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isBetween(4_700, 5_300));
	}

	@Test
	void callsWithoutKeyFollowWeights() {
		ServiceInstance heavy = this.members.get(0);
		this.balancer = ConsistentHashLoadBalancer.builder((service) -> this.members.subList(0, 2))
			.weights((instance) -> instance.equals(heavy) ? 3.0 : 1.0)
			.build();
		RpcClient client = client();
		int heavyCount = 0;
		for (int i = 0; i < 20_000; i++) {
			if (attemptsOf(client, null).get(0).equals(heavy)) {
				heavyCount++;
			}
		}
		assertThat(heavyCount).isBetween(14_600, 15_400);
	}

	@Test
	void callsWithoutKeyFailOverAndRetryLikeKeyedOnes() {
		this.members.forEach(this.broken::add);
		RpcClient client = client(new RetryAll(3));
		for (int i = 0; i < 200; i++) {
			List<ServiceInstance> attempts = attemptsOf(client, null);
			assertThat(attempts).hasSize(3).doesNotHaveDuplicates();
		}
	}

	@Test
	void attemptsAreRecordedOnTheCall() {
		this.members.forEach(this.broken::add);
		ClientCall call = call(key(3));
		try {
			client(new RetryAll(2)).execute(call);
		}
		catch (RuntimeException ex) {
			// expected
		}
		assertThat(InstanceAttempts.of(call).tried()).isEqualTo(this.reference.walk(key(3)).subList(0, 2));
	}

	@Test
	void serviceWithoutInstancesFailsFast() {
		this.balancer = balancer(List.of());
		assertThatExceptionOfType(NoAvailableInstanceException.class).isThrownBy(() -> client().execute(call(key(1))))
			.withMessageContaining("'kv'");
		assertThat(this.targets).isEmpty();
	}

	@Test
	void membershipChangeIsBuiltOffTheCallPathAndSwappedIn() {
		AtomicReference<List<ServiceInstance>> current = new AtomicReference<>(instances(3));
		List<Runnable> rebuilds = new ArrayList<>();
		this.balancer = ConsistentHashLoadBalancer.builder((service) -> current.get())
			.rebuildExecutor(rebuilds::add)
			.build();
		RpcClient client = client();
		assertThat(this.balancer.ring(SERVICE).size()).isEqualTo(3);
		current.set(instances(4));
		for (int i = 0; i < 100; i++) {
			client.execute(call(key(i)));
		}
		assertThat(this.targets).doesNotContain(instance(3));
		assertThat(rebuilds).hasSize(1);
		rebuilds.get(0).run();
		assertThat(this.balancer.ring(SERVICE).size()).isEqualTo(4);
		assertThat(this.balancer.status(SERVICE).ringVersion()).isEqualTo(2);
		Set<ServiceInstance> reached = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			reached.add(attemptsOf(client, key(i)).get(0));
		}
		assertThat(reached).contains(instance(3));
	}

	@Test
	void sameMembersInANewListKeepTheRing() {
		AtomicReference<List<ServiceInstance>> current = new AtomicReference<>(instances(3));
		this.balancer = ConsistentHashLoadBalancer.builder((service) -> current.get()).build();
		HashRing ring = this.balancer.ring(SERVICE);
		current.set(new ArrayList<>(instances(3)));
		this.balancer.refresh(SERVICE);
		assertThat(this.balancer.ring(SERVICE)).isSameAs(ring);
		assertThat(this.balancer.status(SERVICE).ringVersion()).isEqualTo(1);
	}

	@Test
	void leasesCountAsInFlightUntilClosed() {
		Lease first = this.balancer.lease(SERVICE, key(1));
		Lease second = this.balancer.lease(SERVICE, key(1));
		assertThat(first.instance()).isEqualTo(this.reference.owner(key(1)));
		ServiceStatus status = this.balancer.status(SERVICE);
		assertThat(status.inFlight()).isEqualTo(2);
		int owner = this.members.indexOf(first.instance());
		assertThat(status.instances().get(owner).inFlight()).isEqualTo(2);
		first.close();
		first.close();
		second.close();
		assertThat(this.balancer.status(SERVICE).inFlight()).isZero();
		assertThat(this.balancer.status(SERVICE).instances().get(owner).selected()).isEqualTo(2);
	}

	@Test
	void statusShowsEveryMember() {
		this.unavailable.add(this.members.get(2));
		this.balancer.refresh(SERVICE);
		ServiceStatus status = this.balancer.status(SERVICE);
		assertThat(status.service()).isEqualTo(SERVICE);
		assertThat(status.virtualNodes()).isEqualTo(160);
		assertThat(status.loadFactor()).isNull();
		assertThat(status.instances()).extracting(InstanceStatus::instance).isEqualTo(this.members);
		assertThat(status.instances().get(2).state()).isEqualTo(InstanceStatus.State.UNAVAILABLE);
		assertThat(status.instances().get(3).state()).isEqualTo(InstanceStatus.State.AVAILABLE);
		assertThat(status.instances().stream().mapToDouble(InstanceStatus::ringShare).sum()).isCloseTo(1.0,
				within(1e-9));
		assertThat(this.balancer.status()).extracting(ServiceStatus::service).containsExactly(SERVICE);
		assertThat(this.balancer.status("other")).isNull();
	}

}
