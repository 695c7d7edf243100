package dev.resilientrpc.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.client.NoAvailableInstanceException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTransportException;
import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.InstanceWeights;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.Slots;
import dev.resilientrpc.loadbalancer.ServiceRing.Snapshot;
import dev.resilientrpc.protocol.InterceptorOrder;

import org.springframework.util.Assert;

/**
 * Sends each attempt to an instance picked on a consistent-hash {@link HashRing} of the
 * service's instances.
 *
 * <h2>Routing</h2> A call with a routing key ({@link ClientCall#getRoutingKey()}) goes to
 * the instance that owns the key on the ring. A call without one picks an instance at
 * random with probability proportional to its weight (so equal instances get equal shares
 * of such calls) and starts its walk at that instance's first point; from there failover
 * and bounded loads work as for a key.
 *
 * <h2>Failover</h2> Starting at the key's position the balancer walks the ring clockwise
 * over distinct instances and takes the first that is available: not cooling down after a
 * refused connection, not failed by the active health check, and approved by every
 * {@link InstanceAvailability} (such as a circuit breaker). A retry (the chain run again
 * for the same call) continues the walk after the instance that failed and skips
 * instances already tried. When an instance recovers, its keys go back to it, since the
 * walk always starts at the key. When no instance qualifies, an available instance
 * already tried is taken, and failing that the next instance in the walk is tried anyway,
 * so that the caller gets the real error.
 *
 * <h2>Bounded loads</h2> With a load factor {@code c > 1} (Mirrokni, Thorup and
 * Zadimoghaddam, "Consistent Hashing with Bounded Loads", SODA 2018), an instance takes a
 * new call only while its calls in flight are fewer than {@code ceil(c × m × w)}, where
 * {@code m} counts the service's calls in flight including the new one and {@code w} is
 * the instance's share of the total weight; a full instance is passed over like an
 * unavailable one. The bound is never below 1, and an instance whose load is at or below
 * its fair share always has room, so when loads are even, or low, every key stays with
 * its owner; only a hot spot spills over to the next instances. The check and the
 * increment are one atomic step per instance, so concurrent calls never exceed the bound
 * they computed.
 *
 * <h2>Membership</h2> Instances come from a {@link ServiceInstanceSupplier}, asked on
 * every call. It should return the same list object while membership is unchanged: a
 * different object with different members schedules a new ring on the rebuild executor
 * while calls go on with the current ring, which is replaced atomically when the new one
 * is ready. Readers never lock. {@link #refresh(String)} builds the new ring at once.
 */
public class ConsistentHashLoadBalancer implements InstanceSelector {

	private static final Log logger = LogFactory.getLog(ConsistentHashLoadBalancer.class);

	private final ServiceInstanceSupplier instances;

	private final int virtualNodes;

	private final double loadFactor;

	private final InstanceWeights weights;

	private final InstanceAvailability[] availability;

	private final long coolDownMillis;

	private final Clock clock;

	private final Executor rebuildExecutor;

	private final ConcurrentMap<String, ServiceRing> services = new ConcurrentHashMap<>();

	private final List<Consumer<String>> ringListeners = new CopyOnWriteArrayList<>();

	private final Map<String, Integer> slots;

	ConsistentHashLoadBalancer(Builder builder) {
		this.instances = builder.instances;
		this.virtualNodes = builder.virtualNodes;
		this.loadFactor = (builder.loadFactor != null) ? builder.loadFactor : 0;
		this.weights = builder.weights;
		this.availability = builder.availability.toArray(new InstanceAvailability[0]);
		this.coolDownMillis = builder.coolDown.toMillis();
		this.clock = builder.clock;
		this.rebuildExecutor = builder.rebuildExecutor;
		this.slots = builder.slots;
	}

	/**
	 * Start building a balancer.
	 * @param instances the instances of each service
	 * @return a builder
	 */
	public static Builder builder(ServiceInstanceSupplier instances) {
		return new Builder(instances);
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.INSTANCE_SELECTION;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		try (Lease lease = lease(call.getService(), call.getRoutingKey(), call)) {
			call.setTarget(lease.instance());
			try {
				Object result = chain.proceed(call);
				answered(lease.state);
				return result;
			}
			catch (RpcTransportException ex) {
				if (!ex.mayHaveBeenSent()) {
					coolDown(lease.state);
				}
				throw ex;
			}
			catch (RpcRemoteException ex) {
				// a JSON-RPC error: the instance is reachable
				answered(lease.state);
				throw ex;
			}
		}
	}

	/**
	 * Pick an instance for one unit of work outside the RPC client, such as a session
	 * that sticks to a key. The instance counts the lease as in flight until it is
	 * closed.
	 * @param service the service
	 * @param key the routing key, or {@code null} to spread evenly
	 * @return the lease, to be closed when the work is done
	 * @throws NoAvailableInstanceException if the service has no instance
	 */
	public Lease lease(String service, @Nullable String key) {
		return lease(service, key, null);
	}

	private Lease lease(String service, @Nullable String key, @Nullable ClientCall call) {
		ServiceRing serviceRing = serviceRing(service);
		Snapshot snapshot = current(serviceRing);
		HashRing ring = snapshot.ring();
		if (ring.isEmpty()) {
			logger.warn("No servers available for service: " + service);
			throw new NoAvailableInstanceException(service);
		}
		InstanceAttempts attempts = (call != null) ? InstanceAttempts.of(call) : null;
		if (attempts == null) {
			attempts = new InstanceAttempts(position(service, ring, key));
			if (call != null) {
				call.setAttribute(InstanceAttempts.ATTRIBUTE, attempts);
			}
		}
		int start = ring.pointIndex(attempts.position());
		int total = serviceRing.inFlight.incrementAndGet();
		InstanceState chosen;
		try {
			chosen = select(snapshot, start, attempts, total);
		}
		catch (RuntimeException | Error ex) {
			serviceRing.inFlight.decrementAndGet();
			throw ex;
		}
		if (chosen != snapshot.states()[ring.ownerAt(start)]) {
			serviceRing.failovers.increment();
		}
		attempts.add(chosen);
		return new Lease(serviceRing, chosen);
	}

	private long position(String service, HashRing ring, @Nullable String key) {
		if (key != null) {
			Integer count = this.slots.get(service);
			return (count != null) ? Slots.position(key, count) : HashRing.hash(key);
		}
		int instance = ring.weightedInstance(ThreadLocalRandom.current().nextDouble());
		return ring.point(ring.homePoint(instance));
	}

	private InstanceState select(Snapshot snapshot, int start, InstanceAttempts attempts, int total) {
		if (attempts.isEmpty()) {
			int owner = snapshot.ring().ownerAt(start);
			InstanceState state = snapshot.states()[owner];
			if (isAvailable(state) && state.tryAcquire(capacity(snapshot.ring(), owner, total))) {
				return state;
			}
		}
		return walk(snapshot, start, attempts, total);
	}

	/**
	 * Walk the ring clockwise from {@code start} over distinct instances. The candidates
	 * come in walk order, rotated to begin after the instance that failed last, which
	 * comes last.
	 */
	private InstanceState walk(Snapshot snapshot, int start, InstanceAttempts attempts, int total) {
		HashRing ring = snapshot.ring();
		InstanceState[] states = snapshot.states();
		int size = ring.size();
		int points = ring.pointCount();
		InstanceState failed = attempts.last();
		int[] order = new int[size];
		long[] seen = new long[(size + 63) >>> 6];
		int length = 0;
		int failedAt = -1;
		int index = start;
		for (int step = 0; step < points && length < size; step++) {
			int owner = ring.ownerAt(index);
			index = (index + 1 == points) ? 0 : index + 1;
			long bit = 1L << owner;
			if ((seen[owner >>> 6] & bit) != 0) {
				continue;
			}
			seen[owner >>> 6] |= bit;
			order[length++] = owner;
			if (failed != null && failedAt < 0) {
				if (states[owner] == failed) {
					failedAt = length - 1;
				}
				continue;
			}
			if (isEligible(states[owner], attempts) && states[owner].tryAcquire(capacity(ring, owner, total))) {
				return states[owner];
			}
		}
		int[] rotated = rotate(order, length, failed, failedAt);
		// the instances before the failed one, which the walk above only passed
		int unseen = (failed == null) ? 0 : (failedAt < 0) ? length : failedAt;
		for (int i = length - unseen - ((failedAt >= 0) ? 1 : 0); i < length - ((failedAt >= 0) ? 1 : 0); i++) {
			int owner = rotated[i];
			if (isEligible(states[owner], attempts) && states[owner].tryAcquire(capacity(ring, owner, total))) {
				return states[owner];
			}
		}
		InstanceState chosen = fallback(ring, states, rotated, length, attempts);
		chosen.acquire();
		return chosen;
	}

	private static int[] rotate(int[] order, int length, @Nullable InstanceState failed, int failedAt) {
		if (failed == null || failedAt < 0) {
			return order;
		}
		int[] rotated = new int[length];
		int after = length - failedAt - 1;
		System.arraycopy(order, failedAt + 1, rotated, 0, after);
		System.arraycopy(order, 0, rotated, after, failedAt);
		rotated[length - 1] = order[failedAt];
		return rotated;
	}

	/**
	 * Every available untried instance is full (possible when others are unavailable,
	 * since the average counts every member) or none is left: take the least loaded
	 * available untried instance, else the first available one, else the next in the
	 * walk.
	 */
	private InstanceState fallback(HashRing ring, InstanceState[] states, int[] rotated, int length,
			InstanceAttempts attempts) {
		InstanceState leastLoaded = null;
		double leastLoad = Double.MAX_VALUE;
		InstanceState firstAvailable = null;
		for (int i = 0; i < length; i++) {
			InstanceState state = states[rotated[i]];
			if (!isAvailable(state)) {
				continue;
			}
			if (attempts.contains(state)) {
				if (firstAvailable == null) {
					firstAvailable = state;
				}
				continue;
			}
			double load = state.inFlight() / ring.weightShare(rotated[i]);
			if (load < leastLoad) {
				leastLoad = load;
				leastLoaded = state;
			}
		}
		if (leastLoaded != null) {
			return leastLoaded;
		}
		if (firstAvailable != null) {
			return firstAvailable;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("No available instance of service '" + states[rotated[0]].instance.service() + "'; trying "
					+ states[rotated[0]].instance + " anyway");
		}
		return states[rotated[0]];
	}

	private boolean isEligible(InstanceState state, InstanceAttempts attempts) {
		return !attempts.contains(state) && isAvailable(state);
	}

	private boolean isAvailable(InstanceState state) {
		if (state.mayBeCoolingDown() && state.isCoolingDown(this.clock.millis())) {
			return false;
		}
		if (state.healthCheckFailed()) {
			return false;
		}
		for (InstanceAvailability check : this.availability) {
			if (!check.isAvailable(state.instance)) {
				return false;
			}
		}
		return true;
	}

	private int capacity(HashRing ring, int index, int total) {
		if (this.loadFactor == 0) {
			return Integer.MAX_VALUE;
		}
		return (int) Math.min(Integer.MAX_VALUE - 1, Math.ceil(this.loadFactor * total * ring.weightShare(index)));
	}

	private void answered(InstanceState state) {
		if (state.succeeded() && logger.isInfoEnabled()) {
			logger.info(state.instance + " answers again: taking it back");
		}
	}

	private void coolDown(InstanceState state) {
		long now = this.clock.millis();
		boolean first = !state.mayBeCoolingDown();
		state.coolDownUntil(Math.max(now + this.coolDownMillis, 1));
		// one line per outage, not per refused call: success clears the mark
		if (first && logger.isInfoEnabled()) {
			logger.info("Passing over " + state.instance + " for " + this.coolDownMillis
					+ "ms after each refused connection until it answers again");
		}
	}

	/**
	 * Return the instance that owns a key, whether or not it is available.
	 * @param service the service
	 * @param key the key
	 * @return the owner, or {@code null} if the service has no instance
	 */
	public @Nullable ServiceInstance owner(String service, String key) {
		HashRing ring = current(serviceRing(service)).ring();
		return ring.isEmpty() ? null : ring.instance(ring.ownerAt(ring.pointIndex(position(service, ring, key))));
	}

	/**
	 * Return the current ring of a service.
	 * @param service the service
	 * @return the ring, empty if the service has no instance
	 */
	public HashRing ring(String service) {
		return current(serviceRing(service)).ring();
	}

	/**
	 * Build the ring of a service from its current instances now, if they changed.
	 * @param service the service
	 */
	public void refresh(String service) {
		ServiceRing serviceRing = serviceRing(service);
		update(serviceRing, this.instances.getInstances(service));
	}

	/**
	 * {@link #refresh(String) Refresh} every service called so far.
	 */
	public void refreshAll() {
		for (String service : this.services.keySet()) {
			refresh(service);
		}
	}

	/**
	 * Register a listener told the name of a service whenever its ring is replaced.
	 * @param listener the listener
	 */
	public void addRingListener(Consumer<String> listener) {
		this.ringListeners.add(listener);
	}

	/**
	 * Return the status of every service called or refreshed so far.
	 * @return the status of each service, by name
	 */
	public List<ServiceStatus> status() {
		List<ServiceStatus> result = new ArrayList<>();
		for (String service : this.services.keySet()) {
			ServiceStatus status = status(service);
			if (status != null) {
				result.add(status);
			}
		}
		result.sort((a, b) -> a.service().compareTo(b.service()));
		return result;
	}

	/**
	 * Return the status of a service.
	 * @param service the service
	 * @return its status, or {@code null} if it was never called or refreshed
	 */
	public @Nullable ServiceStatus status(String service) {
		ServiceRing serviceRing = this.services.get(service);
		Snapshot snapshot = (serviceRing != null) ? serviceRing.snapshot() : null;
		if (serviceRing == null || snapshot == null) {
			return null;
		}
		HashRing ring = snapshot.ring();
		List<InstanceStatus> members = new ArrayList<>(ring.size());
		for (int i = 0; i < ring.size(); i++) {
			InstanceState state = snapshot.states()[i];
			members.add(new InstanceStatus(state.instance, stateOf(state), ring.weight(i), ring.virtualNodes(i),
					ring.share(i), state.inFlight(), state.selected()));
		}
		return new ServiceStatus(service, snapshot.version(), this.virtualNodes,
				(this.loadFactor != 0) ? this.loadFactor : null, serviceRing.inFlight.get(),
				serviceRing.failovers.sum(), List.copyOf(members));
	}

	InstanceStatus.State stateOf(InstanceState state) {
		if (state.isCoolingDown(this.clock.millis())) {
			return InstanceStatus.State.COOLING_DOWN;
		}
		if (state.healthCheckFailed()) {
			return InstanceStatus.State.HEALTH_CHECK_FAILED;
		}
		for (InstanceAvailability check : this.availability) {
			if (!check.isAvailable(state.instance)) {
				return InstanceStatus.State.UNAVAILABLE;
			}
		}
		return InstanceStatus.State.AVAILABLE;
	}

	/**
	 * Return the state of every member of every known service, for the active health
	 * check.
	 */
	List<InstanceState> memberStates() {
		List<InstanceState> result = new ArrayList<>();
		for (ServiceRing serviceRing : this.services.values()) {
			Snapshot snapshot = serviceRing.snapshot();
			if (snapshot != null) {
				result.addAll(List.of(snapshot.states()));
			}
		}
		return result;
	}

	@Nullable ServiceRing serviceRingIfKnown(String service) {
		return this.services.get(service);
	}

	private ServiceRing serviceRing(String service) {
		ServiceRing serviceRing = this.services.get(service);
		return (serviceRing != null) ? serviceRing : this.services.computeIfAbsent(service, ServiceRing::new);
	}

	private Snapshot current(ServiceRing serviceRing) {
		List<ServiceInstance> source = this.instances.getInstances(serviceRing.service);
		Snapshot snapshot = serviceRing.snapshot();
		if (snapshot == null) {
			return update(serviceRing, source);
		}
		if (snapshot.source() != source && !snapshot.source().equals(source)) {
			scheduleRebuild(serviceRing);
		}
		return snapshot;
	}

	private void scheduleRebuild(ServiceRing serviceRing) {
		if (!serviceRing.rebuildPending.compareAndSet(false, true)) {
			return;
		}
		try {
			this.rebuildExecutor.execute(() -> {
				try {
					refresh(serviceRing.service);
				}
				catch (RuntimeException ex) {
					logger.warn("Cannot rebuild the ring of service '" + serviceRing.service + "'", ex);
				}
				finally {
					serviceRing.rebuildPending.set(false);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			serviceRing.rebuildPending.set(false);
		}
	}

	private Snapshot update(ServiceRing serviceRing, List<ServiceInstance> source) {
		Snapshot before = serviceRing.snapshot();
		Snapshot after = serviceRing.update(source, this.virtualNodes, this.weights);
		if (before == null || before.version() != after.version()) {
			if (logger.isInfoEnabled()) {
				logger.info("Ring of service '" + serviceRing.service + "' (version " + after.version() + ") has "
						+ after.ring().size() + " instances: " + after.ring().instances());
			}
			for (Consumer<String> listener : this.ringListeners) {
				listener.accept(serviceRing.service);
			}
		}
		return after;
	}

	/**
	 * One unit of work counted as in flight on an instance until it is closed.
	 */
	public static final class Lease implements AutoCloseable {

		private final ServiceRing serviceRing;

		final InstanceState state;

		private boolean closed;

		Lease(ServiceRing serviceRing, InstanceState state) {
			this.serviceRing = serviceRing;
			this.state = state;
		}

		/**
		 * Return the instance picked.
		 * @return the instance
		 */
		public ServiceInstance instance() {
			return this.state.instance;
		}

		/**
		 * End the work: the instance no longer counts it. Closing twice has no effect.
		 */
		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				this.state.release();
				this.serviceRing.inFlight.decrementAndGet();
			}
		}

	}

	/**
	 * Builds a {@link ConsistentHashLoadBalancer}.
	 */
	public static final class Builder {

		private final ServiceInstanceSupplier instances;

		private int virtualNodes = 160;

		private @Nullable Double loadFactor;

		private InstanceWeights weights = InstanceWeights.EQUAL;

		private List<InstanceAvailability> availability = List.of();

		private Duration coolDown = Duration.ofSeconds(5);

		private Clock clock = Clock.systemUTC();

		private Executor rebuildExecutor = ForkJoinPool.commonPool();

		private Map<String, Integer> slots = Map.of();

		Builder(ServiceInstanceSupplier instances) {
			this.instances = instances;
		}

		/**
		 * Route the keys of some services by slot: a key's position on the ring is that
		 * of its slot ({@link Slots#position}), as the services' nodes place their slots,
		 * so that a call goes to the node holding its key's slot. Default none.
		 * @param slots the slot count by service name
		 * @return this builder
		 */
		public Builder slots(Map<String, Integer> slots) {
			slots.forEach((service, count) -> Assert.isTrue(count > 0,
					() -> "slots of '" + service + "': " + count + " (expected: > 0)"));
			this.slots = Map.copyOf(slots);
			return this;
		}

		/**
		 * Set the number of points per unit of weight. Default 160.
		 * @param virtualNodes the number, greater than 0
		 * @return this builder
		 */
		public Builder virtualNodes(int virtualNodes) {
			Assert.isTrue(virtualNodes > 0, () -> "virtualNodes: " + virtualNodes + " (expected: > 0)");
			this.virtualNodes = virtualNodes;
			return this;
		}

		/**
		 * Bound each instance's calls in flight to {@code loadFactor} times its fair
		 * share. Default: loads are not bounded.
		 * @param loadFactor the factor, greater than 1, or {@code null} not to bound
		 * loads
		 * @return this builder
		 */
		public Builder loadFactor(@Nullable Double loadFactor) {
			Assert.isTrue(loadFactor == null || (loadFactor > 1 && !loadFactor.isInfinite()),
					() -> "loadFactor: " + loadFactor + " (expected: > 1)");
			this.loadFactor = loadFactor;
			return this;
		}

		/**
		 * Set the weight of each instance. Default: all 1.
		 * @param weights the weights
		 * @return this builder
		 */
		public Builder weights(InstanceWeights weights) {
			this.weights = weights;
			return this;
		}

		/**
		 * Set the checks that must all approve an instance before it is picked.
		 * @param availability the checks
		 * @return this builder
		 */
		public Builder availability(List<? extends InstanceAvailability> availability) {
			this.availability = List.copyOf(availability);
			return this;
		}

		/**
		 * Set how long an instance that refused a connection is passed over. Default 5s.
		 * @param coolDown the cool-down, not negative
		 * @return this builder
		 */
		public Builder coolDown(Duration coolDown) {
			Assert.isTrue(!coolDown.isNegative(), () -> "coolDown: " + coolDown + " (expected: >= 0)");
			this.coolDown = coolDown;
			return this;
		}

		/**
		 * Set the clock that times cool-downs. Default: the system clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Set where rings are rebuilt when a call notices a membership change, so that
		 * the call does not wait for the build. Default: the common fork-join pool.
		 * @param rebuildExecutor the executor
		 * @return this builder
		 */
		public Builder rebuildExecutor(Executor rebuildExecutor) {
			this.rebuildExecutor = rebuildExecutor;
			return this;
		}

		/**
		 * Build the balancer.
		 * @return the balancer
		 */
		public ConsistentHashLoadBalancer build() {
			return new ConsistentHashLoadBalancer(this);
		}

	}

}
