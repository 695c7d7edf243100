package dev.resilientrpc.failover;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.annotation.Mutating;
import dev.resilientrpc.checkpoint.CheckpointFencedException;
import dev.resilientrpc.checkpoint.CheckpointStore;
import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.checkpoint.CommandLogEntry;
import dev.resilientrpc.checkpoint.CommandLogInterceptor;
import dev.resilientrpc.checkpoint.CommandReplayer;
import dev.resilientrpc.checkpoint.PartitionReplica;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.RpcMethodHandler;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Serves calls whose ordering key ({@code Rpc-Ordering-Key}) belongs to another node on
 * the service's ring. Clients send such a call here only when the owner did not answer
 * (the load balancer walks on to the next instance), so:
 * <ul>
 * <li>while the owner holds its lease, the call is refused with {@code -32002} and
 * {@code Retry-After}: the client retries, reaching the owner again once it answers;</li>
 * <li>once the lease is gone, this node takes the owner's partition over: it acquires (or
 * joins) a takeover epoch that fences the old owner, builds a replica of the owner's
 * state from its checkpoint and command log, reads the log's tail before each call, and
 * runs the call against the replica ({@link PartitionedState#current()} is the replica
 * during the call). A {@link Mutating @Mutating} call is first appended to the owner's
 * command log (a hinted write), so that the owner replays it when it restores;</li>
 * <li>when the owner returns it acquires a newer epoch and a lease: the next call here
 * finds the lease, or its append is fenced, and the replica is dropped; the call is
 * refused with {@code -32002} and the client goes back to the owner.</li>
 * </ul>
 * Calls of one replica run one at a time. Calls whose key this node owns, calls without
 * an ordering key and calls of services without a {@link PartitionedState} pass
 * untouched.
 *
 * <p>
 * Runs at {@link InterceptorOrder.Server#FAILOVER}: after ordering, so a call served for
 * another node is already deduplicated and locked to its key across nodes, and before the
 * command log, which it bypasses for calls logged to the owner's log.
 */
public final class FailoverServerInterceptor implements ServerInterceptor {

	private static final Log logger = LogFactory.getLog(FailoverServerInterceptor.class);

	private final Map<String, Partitioned> services;

	private final CheckpointStore store;

	private final PartitionLeases leases;

	private final ObjectMapper mapper;

	private final Supplier<CommandReplayer> replayer;

	private final Options options;

	private final Map<String, Foreign> foreign = new ConcurrentHashMap<>();

	private final Map<RpcMethodHandler, MethodInfo> methods = new ConcurrentHashMap<>();

	private final AtomicLong takeovers = new AtomicLong();

	private final AtomicLong hintedWrites = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	/**
	 * Create a new interceptor.
	 * @param services the failed-over services
	 * @param store the checkpoint store (Redis) holding every node's checkpoints and logs
	 * @param leases the liveness leases
	 * @param mapper the JSON-RPC mapper
	 * @param replayer runs a logged call without interceptors; asked for lazily, because
	 * the server it calls is built with this interceptor
	 * @param options the options
	 */
	public FailoverServerInterceptor(List<Partitioned> services, CheckpointStore store, PartitionLeases leases,
			ObjectMapper mapper, Supplier<CommandReplayer> replayer, Options options) {
		Map<String, Partitioned> byName = new LinkedHashMap<>();
		for (Partitioned service : services) {
			byName.put(service.ring().getService(), service);
		}
		this.services = Map.copyOf(byName);
		this.store = store;
		this.leases = leases;
		this.mapper = mapper;
		this.replayer = replayer;
		this.options = options;
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		Partitioned service = this.services.get(call.getMethod().getService());
		String key = call.getHeader(RpcHeaders.ORDERING_KEY);
		if (service == null || key == null || key.isEmpty()) {
			return chain.proceed(call);
		}
		ServiceInstance owner = service.ring().owner(key);
		if (owner == null || owner.equals(service.ring().getSelf())) {
			return chain.proceed(call);
		}
		String storeName = PartitionRing.nodeId(owner) + "/" + service.state().getCheckpointName();
		Foreign partition = this.foreign.computeIfAbsent(storeName, (name) -> new Foreign());
		if (!partition.lock.tryLock(this.options.lockTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
			throw overloaded(storeName, "busy", "calls of the partition of " + owner + " are queued here");
		}
		try {
			PartitionReplica replica = replica(service, storeName, partition, owner);
			MethodInfo method = this.methods.computeIfAbsent(call.getMethod(), this::describe);
			if (!method.mutating()) {
				return service.state().callWith(replica.getTarget(), () -> chain.proceed(call));
			}
			return hinted(call, chain, service, partition, replica, method);
		}
		finally {
			partition.lock.unlock();
		}
	}

	private PartitionReplica replica(Partitioned service, String storeName, Foreign partition, ServiceInstance owner) {
		try {
			if (partition.replica == null) {
				awaitSuspicion(storeName, partition, owner);
			}
			long epoch = this.leases.takeOver(storeName);
			if (epoch < 0) {
				drop(partition, storeName, "its owner holds its lease again");
				throw overloaded(storeName, "owner-alive", owner + " owns this key and is alive");
			}
			PartitionReplica replica = partition.replica;
			if (replica != null && replica.getEpoch() == epoch) {
				replica.catchUp(bound(service.state(), replica.getTarget()));
				return replica;
			}
			Checkpointable target = service.state().newReplica();
			replica = PartitionReplica.load(this.store, storeName, epoch, target, this.options.rememberedCalls(),
					bound(service.state(), target));
			partition.replica = replica;
			this.takeovers.incrementAndGet();
			if (logger.isInfoEnabled()) {
				logger.info("FAILOVER: serving the keys of " + owner + " from a replica of '" + storeName
						+ "' (takeover epoch " + epoch + ") while it is down");
			}
			return replica;
		}
		catch (RpcErrorException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			drop(partition, storeName, "building or updating it failed: " + ex);
			throw overloaded(storeName, "replica-unavailable", "the replica of " + owner + " could not be read: " + ex);
		}
	}

	/**
	 * Take over only an owner whose lease has stayed missing for a whole takeover delay.
	 * A lease also goes missing while the owner is alive: when Redis restarts or fails
	 * over, the lease key has expired or is lost, and the owner writes it again within a
	 * refresh. Taking over then would fence a live owner whose memory lacks the writes
	 * taken here.
	 */
	private void awaitSuspicion(String storeName, Foreign partition, ServiceInstance owner) {
		long now = System.nanoTime();
		if (this.leases.isHeld(storeName)) {
			partition.leaseMissingSince = 0;
			throw overloaded(storeName, "owner-alive", owner + " owns this key and is alive");
		}
		if (partition.leaseMissingSince == 0) {
			partition.leaseMissingSince = now;
		}
		if (now - partition.leaseMissingSince < this.options.takeoverDelay().toNanos()) {
			throw overloaded(storeName, "owner-suspected",
					owner + " has no lease; it is taken over if it does not renew it within "
							+ this.options.takeoverDelay().toMillis() + "ms");
		}
	}

	private @Nullable Object hinted(ServerCall call, ServerInterceptorChain chain, Partitioned service,
			Foreign partition, PartitionReplica replica, MethodInfo method) throws Exception {
		String idempotencyKey = call.getHeader(RpcHeaders.IDEMPOTENCY_KEY);
		if (idempotencyKey == null || idempotencyKey.isEmpty()) {
			idempotencyKey = "local-" + UUID.randomUUID();
		}
		PartitionReplica.Remembered remembered = replica.remembered(idempotencyKey);
		if (remembered != null) {
			return decode(method, remembered.result());
		}
		long timestamp = timestamp(call);
		CommandLogEntry entry = new CommandLogEntry(null, idempotencyKey, timestamp, call.getMethod().getName(),
				this.mapper.writeValueAsString(call.getArguments()));
		try {
			replica.append(entry, this.options.replicas(), this.options.replicationTimeout());
		}
		catch (CheckpointFencedException ex) {
			drop(partition, replica.getStoreName(), "its owner (or a newer takeover) fenced it: " + ex.getMessage());
			throw overloaded(replica.getStoreName(), "fenced", "the owner of this key has returned");
		}
		catch (RuntimeException ex) {
			// unknown whether Redis took it: if it did, the entry is replayed and a retry
			// finds it applied
			drop(partition, replica.getStoreName(), "a hinted write failed: " + ex);
			throw overloaded(replica.getStoreName(), "log-unavailable", "the hinted write was not logged: " + ex);
		}
		this.hintedWrites.incrementAndGet();
		call.setAttribute(CommandLogInterceptor.LOGGED_ELSEWHERE_ATTRIBUTE, Boolean.TRUE);
		Object result = service.state().callWith(replica.getTarget(), () -> chain.proceed(call));
		replica.remember(idempotencyKey, timestamp,
				(method.returnType() != null) ? this.mapper.writeValueAsBytes(result) : null);
		return result;
	}

	private CommandReplayer bound(PartitionedState<?> state, Checkpointable target) {
		CommandReplayer delegate = this.replayer.get();
		return (method, params) -> state.callWith(target, () -> delegate.replay(method, params));
	}

	private void drop(Foreign partition, String storeName, String reason) {
		if (partition.replica != null) {
			partition.replica = null;
			if (logger.isInfoEnabled()) {
				logger.info("FAILOVER: dropping the replica of '" + storeName + "': " + reason);
			}
		}
	}

	private MethodInfo describe(RpcMethodHandler handler) {
		Method method = handler.getMethod();
		boolean mutating = AnnotatedElementUtils.findMergedAnnotation(method, Mutating.class) != null;
		JavaType returnType = (method.getReturnType() == void.class) ? null
				: this.mapper.constructType(method.getGenericReturnType());
		return new MethodInfo(mutating, returnType);
	}

	private @Nullable Object decode(MethodInfo method, byte @Nullable [] result) {
		if (method.returnType() == null || result == null) {
			return null;
		}
		return this.mapper.readValue(result, method.returnType());
	}

	private static long timestamp(ServerCall call) {
		String header = call.getHeader(RpcHeaders.TIMESTAMP);
		if (header != null) {
			try {
				return Long.parseLong(header.trim());
			}
			catch (NumberFormatException ex) {
				// the ordering interceptor rejects malformed timestamps; without it,
				// stamp here
			}
		}
		return System.currentTimeMillis() << 16;
	}

	private RpcErrorException overloaded(String storeName, String reason, String detail) {
		this.refused.incrementAndGet();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", "failover-" + reason);
		data.put("detail", detail);
		data.put("partition", storeName);
		return new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", data,
				this.options.retryAfter().toMillis());
	}

	/**
	 * Return the store names of the partitions this node serves replicas of right now.
	 * @return the partitions
	 */
	public Set<String> getReplicatedPartitions() {
		Set<String> names = new java.util.TreeSet<>();
		this.foreign.forEach((name, partition) -> {
			if (partition.replica != null) {
				names.add(name);
			}
		});
		return names;
	}

	/**
	 * Return how many times this node built a replica of another node's partition.
	 * @return the count
	 */
	public long getTakeovers() {
		return this.takeovers.get();
	}

	/**
	 * Return how many writes this node logged to other nodes' command logs.
	 * @return the count
	 */
	public long getHintedWrites() {
		return this.hintedWrites.get();
	}

	/**
	 * Return how many calls this node refused with {@code -32002} for keys of other
	 * nodes.
	 * @return the count
	 */
	public long getRefused() {
		return this.refused.get();
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.FAILOVER;
	}

	/**
	 * A service whose calls fail over: its ring and its partitioned state.
	 *
	 * @param ring the ring, with this node's entry
	 * @param state the state; its checkpoint name is the one the service's mutating calls
	 * log to
	 */
	public record Partitioned(PartitionRing ring, PartitionedState<?> state) {

	}

	/**
	 * Settings of the interceptor.
	 *
	 * @param retryAfter the {@code Retry-After} of refused calls
	 * @param lockTimeout how long a call waits for the calls of its replica before it is
	 * refused
	 * @param rememberedCalls idempotency keys remembered per replica
	 * @param replicas replicas that must acknowledge a hinted write, 0 for none
	 * @param replicationTimeout how long to wait for them
	 * @param takeoverDelay how long an owner's lease must stay missing, as seen here,
	 * before this node takes its partition over (the lease time: a live owner refreshes
	 * its lease well within it)
	 */
	public record Options(Duration retryAfter, Duration lockTimeout, int rememberedCalls, int replicas,
			Duration replicationTimeout, Duration takeoverDelay) {

	}

	private static final class Foreign {

		final ReentrantLock lock = new ReentrantLock();

		volatile @Nullable PartitionReplica replica;

		/**
		 * When this node first found the owner's lease missing, in nanoTime; 0 while it
		 * is held.
		 */
		long leaseMissingSince;

	}

	private record MethodInfo(boolean mutating, @Nullable JavaType returnType) {

	}

}
