package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Lock;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.ordering.CallOutcomes;
import dev.resilientrpc.ordering.HybridLogicalClock;
import dev.resilientrpc.ordering.KeySequencer;
import dev.resilientrpc.ordering.StalePolicies;
import dev.resilientrpc.ordering.StoredOutcome;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptorChain;

/**
 * Runs a call to a {@link dev.resilientrpc.annotation.Mutating @Mutating} method against
 * a {@link Partition}, so that it runs at most once, in timestamp order with the other
 * calls of its ordering key, and only once it is in the partition's command log:
 * <ol>
 * <li>it waits for its turn on its ordering key (one call of a key at a time on this
 * node, lowest timestamp first);</li>
 * <li>the partition's records decide: a retry of a call that ran is answered with its
 * outcome, one of a call still running gets {@code -32004}, a reused key {@code -32005},
 * a call not stamped above its key's high-water mark is stale ({@code -32001}, or
 * answered {@code null} under {@link StalePolicy#IGNORE}); otherwise it is admitted;</li>
 * <li>it is appended to the command log with its idempotency key, timestamp, ordering key
 * and fingerprint, with the partition's epoch;</li>
 * <li>it runs, and its outcome is recorded.</li>
 * </ol>
 * An append refused or never sent means the call did not run: {@code -32002}. An append
 * whose outcome is unknown (a timeout, a lost reply, a {@code WAIT} without enough
 * replicas) may be in the log: the call does not run, and the partition resyncs — with a
 * newer epoch, which fences the append should it still be on its way, it reads the log
 * after its cursor. Found there, the call is applied from the log and answered with its
 * result; not found, it certainly never ran ({@code -32002}, a retry may run it). When
 * the resync cannot happen now, the answer is {@code -32007} (outcome unknown) and the
 * partition serves nothing until it resyncs; a retry with the same
 * {@code Idempotency-Key} then gets the outcome.
 *
 * <p>
 * The partition, not a shared store, holds the call's record and its key's high-water
 * mark: only its owner (the one process with its current epoch) runs its calls, and its
 * log rebuilds both after a crash or a move. So a mutating call costs one round trip to
 * Redis, its log append.
 */
public final class MutatingCalls {

	private final CallOutcomes outcomes;

	private final ObjectMapper mapper;

	private final HybridLogicalClock clock;

	private final StalePolicies policies;

	private final KeySequencer sequencer;

	private final long maxWaitNanos;

	private final long retryAfterMillis;

	/**
	 * Create the unit.
	 * @param mapper the JSON-RPC mapper, to log params and record results
	 * @param clock the node's clock: stamps calls that come without a timestamp
	 * @param policies the stale policy of each method
	 * @param reorderWindow how long a call waits for lower-stamped calls of its key
	 * @param maxWait how long a call waits for its turn before it is refused
	 * @param retryAfter the {@code Retry-After} of refused calls
	 */
	public MutatingCalls(ObjectMapper mapper, HybridLogicalClock clock, StalePolicies policies, Duration reorderWindow,
			Duration maxWait, Duration retryAfter) {
		this.mapper = mapper;
		this.outcomes = new CallOutcomes(mapper);
		this.clock = clock;
		this.policies = policies;
		this.sequencer = new KeySequencer(reorderWindow.toNanos());
		this.maxWaitNanos = maxWait.toNanos();
		this.retryAfterMillis = retryAfter.toMillis();
	}

	/**
	 * Return the codec of call outcomes this unit records with.
	 * @return the codec
	 */
	public CallOutcomes getOutcomes() {
		return this.outcomes;
	}

	/**
	 * Run a mutating call against a partition.
	 * @param call the call
	 * @param chain the rest of the chain, which runs the method
	 * @param partition the partition the call belongs to
	 * @param resync resyncs the partition now, when an append's outcome is unknown, or
	 * {@code null} to leave it to the background
	 * @return the call's result
	 * @throws Exception what the method threw, or the refusal
	 */
	public @Nullable Object execute(ServerCall call, ServerInterceptorChain chain, Partition partition,
			PartitionScheduler.@Nullable Resyncer resync) throws Exception {
		String orderingKey = call.getHeader(RpcHeaders.ORDERING_KEY);
		if (orderingKey != null && orderingKey.isEmpty()) {
			orderingKey = null;
		}
		String header = call.getHeader(RpcHeaders.TIMESTAMP);
		long timestamp = (header != null) ? parse(header) : this.clock.now();
		String idempotencyKey = call.getHeader(RpcHeaders.IDEMPOTENCY_KEY);
		if (idempotencyKey == null || idempotencyKey.isEmpty()) {
			idempotencyKey = "local-" + UUID.randomUUID();
		}
		String fingerprint = this.outcomes.fingerprint(call);
		call.setAttribute(ServerCall.ORDERED_BY_STATE_ATTRIBUTE, Boolean.TRUE);
		KeySequencer.Turn turn = null;
		if (orderingKey != null) {
			turn = turn(partition.getStoreName() + '\u0000' + orderingKey, timestamp, call);
		}
		try {
			return run(call, chain, partition, resync,
					new Call(idempotencyKey, fingerprint, orderingKey, timestamp, header == null));
		}
		finally {
			if (turn != null) {
				turn.close();
			}
		}
	}

	private long parse(String header) {
		try {
			return HybridLogicalClock.parse(header);
		}
		catch (IllegalArgumentException ex) {
			throw new RpcErrorException(RpcErrorCodes.INVALID_REQUEST, "Invalid Request",
					Map.of("reason", "header '" + RpcHeaders.TIMESTAMP + "' " + ex.getMessage()));
		}
	}

	private KeySequencer.Turn turn(String key, long timestamp, ServerCall call) {
		KeySequencer.Turn turn;
		try {
			turn = this.sequencer.acquire(key, timestamp, this.maxWaitNanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw overloaded("wait-timeout", "interrupted while waiting for the turn on its ordering key", null);
		}
		if (turn == null) {
			throw overloaded("wait-timeout", "waited " + this.maxWaitNanos / 1_000_000
					+ " ms for the turn on its ordering key behind other calls of " + call.getMethod().getName(), null);
		}
		return turn;
	}

	private @Nullable Object run(ServerCall call, ServerInterceptorChain chain, Partition partition,
			PartitionScheduler.@Nullable Resyncer resync, Call admitted) throws Exception {
		PartitionRecords records = partition.records();
		if (partition.getState() == Partition.State.RESYNC_NEEDED && resync != null && partition.mayTryResync()) {
			// a retry of a call in doubt, or the next call: find out now rather than wait
			// for the background
			try {
				resync.resync(partition);
			}
			catch (RuntimeException ex) {
				// still in doubt: answered below
			}
		}
		Lock lock = partition.gate.readLock();
		lock.lock();
		boolean locked = true;
		try {
			if (!partition.isServing()) {
				if (records.isUnknown(admitted.idempotencyKey())) {
					throw outcomeUnknown(partition, admitted, "the partition resyncs: its log is being read again");
				}
				throw overloaded("not-serving", "'" + partition.getStoreName() + "' does not serve now ("
						+ partition.getState() + "); the call was not executed", partition);
			}
			PartitionRecords.Admission admission = records.admit(admitted.idempotencyKey(), admitted.fingerprint(),
					admitted.orderingKey(), admitted.timestamp(), admitted.stampedHere());
			switch (admission.decision()) {
				case REPLAY -> {
					return this.outcomes.replay(require(admission.outcome()));
				}
				case IN_FLIGHT -> {
					if (records.isUnknown(admitted.idempotencyKey())) {
						throw outcomeUnknown(partition, admitted, "its log append's outcome is not known yet");
					}
					throw new RpcErrorException(RpcErrorCodes.DUPLICATE_IN_FLIGHT,
							"A call with the same Idempotency-Key is still executing",
							Map.of("idempotencyKey", admitted.idempotencyKey(), "method", call.getMethod().getName()));
				}
				case REUSED -> throw new RpcErrorException(RpcErrorCodes.IDEMPOTENCY_KEY_REUSED,
						"Idempotency-Key reused with a different method or params",
						Map.of("idempotencyKey", admitted.idempotencyKey(), "method", call.getMethod().getName()));
				case STALE -> {
					if (this.policies.policyOf(call.getMethod()) == StalePolicy.IGNORE) {
						records.ignored(admitted.idempotencyKey(), admitted.fingerprint(), admitted.timestamp());
						return null;
					}
					Map<String, Object> data = new LinkedHashMap<>();
					data.put("orderingKey", String.valueOf(admitted.orderingKey()));
					data.put("timestamp", admitted.timestamp());
					data.put("highWaterMark", admission.highWaterMark());
					throw new RpcErrorException(RpcErrorCodes.STALE,
							"Stale call: a later call of its ordering key came first", data);
				}
				case ADMITTED -> {
					admitted = admitted.stampedAt(admission.timestamp());
				}
			}
			CommandLog log = partition.log();
			try {
				if (log == null) {
					throw new CommandLog.CommandLogException("not-loaded", "the partition has no log yet", null, true);
				}
				log.append(new CommandLogEntry(null, admitted.idempotencyKey(), admitted.timestamp(),
						call.getMethod().getName(), this.mapper.writeValueAsString(call.getArguments()),
						admitted.orderingKey(), admitted.fingerprint()));
			}
			catch (CommandLog.CommandLogException ex) {
				if (ex.notAppended()) {
					records.abort(admitted.idempotencyKey());
					throw overloaded("log-refused", "the command log did not take the call (" + ex.reason() + ": "
							+ ex.getMessage() + "); it was not executed", partition);
				}
				records.unknown(admitted.idempotencyKey());
				if ("fenced".equals(ex.reason())) {
					// another node holds the partition with a newer epoch and read its
					// log:
					// the retry, sent there, learns the outcome; a resync here would take
					// the partition back from it
					throw outcomeUnknown(partition, admitted, "its log append met a newer epoch, and an earlier "
							+ "run of it may have been written (" + ex.getMessage() + ")");
				}
				partition.needResync();
				lock.unlock();
				locked = false;
				return resolve(partition, resync, admitted, ex);
			}
			Object result;
			try {
				result = chain.proceed(call);
			}
			catch (Throwable ex) {
				records.complete(admitted.idempotencyKey(), this.outcomes.outcome(ex));
				throw ex;
			}
			records.complete(admitted.idempotencyKey(), this.outcomes.outcome(call.getMethod().getName(), result));
			return result;
		}
		finally {
			if (locked) {
				lock.unlock();
			}
		}
	}

	/**
	 * Find out whether a call whose append had an unknown outcome reached the log.
	 */
	private @Nullable Object resolve(Partition partition, PartitionScheduler.@Nullable Resyncer resync, Call admitted,
			CommandLog.CommandLogException failure) {
		if (resync != null) {
			try {
				resync.resync(partition);
			}
			catch (RuntimeException ex) {
				failure.addSuppressed(ex);
			}
		}
		PartitionRecords records = partition.records();
		StoredOutcome outcome = records.outcome(admitted.idempotencyKey());
		if (outcome != null) {
			// it reached the log, so it was applied from there
			return this.outcomes.replay(outcome);
		}
		if (!records.isUnknown(admitted.idempotencyKey()) && partition.isServing()) {
			throw overloaded("not-logged", "the command log did not take the call (found after a resync with a "
					+ "newer epoch); it was not executed", partition);
		}
		throw outcomeUnknown(partition, admitted,
				"its log append may have been written (" + failure.reason() + ": " + failure.getMessage() + ")");
	}

	private static StoredOutcome require(@Nullable StoredOutcome outcome) {
		if (outcome == null) {
			throw new IllegalStateException("A replay without an outcome");
		}
		return outcome;
	}

	private RpcErrorException overloaded(String reason, String detail, @Nullable Partition partition) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", reason);
		data.put("detail", detail);
		if (partition != null) {
			data.put("partition", partition.getStoreName());
		}
		return new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", data, this.retryAfterMillis);
	}

	private RpcErrorException outcomeUnknown(Partition partition, Call call, String detail) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", "outcome-unknown");
		data.put("detail", detail + "; retry with the same Idempotency-Key to learn the outcome");
		data.put("idempotencyKey", call.idempotencyKey());
		data.put("partition", partition.getStoreName());
		return new RpcErrorException(RpcErrorCodes.OUTCOME_UNKNOWN, "Outcome unknown", data, this.retryAfterMillis);
	}

	private record Call(String idempotencyKey, String fingerprint, @Nullable String orderingKey, long timestamp,
			boolean stampedHere) {

		Call stampedAt(long stamp) {
			return (stamp == this.timestamp) ? this
					: new Call(this.idempotencyKey, this.fingerprint, this.orderingKey, stamp, this.stampedHere);
		}

	}

}
