package dev.resilientrpc.ordering;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.retry.Deadline;
import dev.resilientrpc.retry.DeadlineContext;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptorChain;

/**
 * What the idempotency and ordering interceptors share: reading and checking the key
 * headers, fingerprinting calls, the set of idempotency keys executing on this node,
 * talking to the store (timed, failing open or closed), and turning outcomes into stored
 * records and back into answers.
 */
final class CallGuard {

	private static final Log logger = LogFactory.getLog(CallGuard.class);

	private final CallOutcomes outcomes;

	private final int maxKeyLength;

	private final Set<String> executing = ConcurrentHashMap.newKeySet();

	private final OrderingStore store;

	private final OrderingOptions options;

	private final OrderingListener listener;

	/**
	 * Create the helper.
	 * @param store the store
	 * @param mapper the mapper the server writes results with, so that a stored result is
	 * the very JSON the first attempt was answered with
	 * @param options the options
	 * @param listener the listener
	 */
	CallGuard(OrderingStore store, ObjectMapper mapper, OrderingOptions options, OrderingListener listener) {
		this.store = store;
		this.outcomes = new CallOutcomes(mapper);
		this.maxKeyLength = options.getMaxKeyLength();
		this.options = options;
		this.listener = listener;
	}

	/**
	 * Read and check a key header.
	 * @param call the call
	 * @param header the header name
	 * @return the key or {@code null} if the call has none
	 * @throws RpcErrorException ({@code -32600}) if the key is blank or too long
	 */
	@Nullable String key(ServerCall call, String header) {
		String key = call.getHeader(header);
		if (key == null) {
			return null;
		}
		if (key.isBlank()) {
			throw ClockServerInterceptor.invalidHeader(header, key, "is blank");
		}
		if (key.length() > this.maxKeyLength) {
			throw ClockServerInterceptor.invalidHeader(header, key,
					"is " + key.length() + " characters long (expected: at most " + this.maxKeyLength + ")");
		}
		return key;
	}

	/**
	 * Make the call's idempotency claim.
	 * @param call the call
	 * @return the claim or {@code null} if the call has no {@code Idempotency-Key}
	 */
	@Nullable IdempotencyClaim claim(ServerCall call) {
		String key = key(call, RpcHeaders.IDEMPOTENCY_KEY);
		return (key != null) ? new IdempotencyClaim(key, this.outcomes.fingerprint(call), recordTtlMillis()) : null;
	}

	/**
	 * How long the record of the call being served must be kept: a call with a deadline
	 * (its {@code Rpc-Timeout}, bound by the deadline interceptor that runs first) can be
	 * retried only until then, so its record need outlive it by no more than the last
	 * attempt's delivery; a call without one keeps the store's TTL ({@code 0}).
	 */
	private long recordTtlMillis() {
		Deadline deadline = DeadlineContext.current();
		if (deadline == null) {
			return 0;
		}
		return Math.max(0, deadline.remainingMillis()) + this.options.getRecordAfterDeadline().toMillis();
	}

	/**
	 * Mark a key as executing on this node; a second attempt of it that arrives meanwhile
	 * is refused here, without asking the store.
	 * @param claim the claim
	 * @param method the JSON-RPC method name
	 * @throws RpcErrorException ({@code -32004}) if the key is executing already
	 */
	void enter(IdempotencyClaim claim, String method) {
		if (!this.executing.add(claim.key())) {
			throw duplicateInFlight(claim, method);
		}
	}

	/**
	 * Unmark a key marked by {@link #enter}.
	 * @param claim the claim
	 */
	void exit(IdempotencyClaim claim) {
		this.executing.remove(claim.key());
	}

	/**
	 * Turn the store's decision about a claim into an answer, for the decisions that end
	 * the call: a replay, a duplicate in flight or a reused key.
	 * @param admission the decision
	 * @param claim the claim
	 * @param method the JSON-RPC method name
	 * @return the replayed result
	 * @throws RpcErrorException the replayed error, {@code -32004} or {@code -32005}
	 */
	@Nullable Object answer(Admission admission, IdempotencyClaim claim, String method) {
		switch (admission.getDecision()) {
			case REPLAY -> {
				this.listener.onReplay(method);
				StoredOutcome outcome = admission.getOutcome();
				if (outcome == null) {
					throw new IllegalStateException("Replay without an outcome");
				}
				return replay(outcome);
			}
			case IN_FLIGHT -> throw duplicateInFlight(claim, method);
			case KEY_REUSED -> {
				this.listener.onKeyReused(method);
				throw new RpcErrorException(RpcErrorCodes.IDEMPOTENCY_KEY_REUSED,
						"Idempotency-Key reused with a different method or params",
						Map.of("idempotencyKey", claim.key(), "method", method));
			}
			default -> throw new IllegalStateException("Not an idempotency decision: " + admission);
		}
	}

	private RpcErrorException duplicateInFlight(IdempotencyClaim claim, String method) {
		this.listener.onDuplicateInFlight(method);
		return new RpcErrorException(RpcErrorCodes.DUPLICATE_IN_FLIGHT,
				"A call with the same Idempotency-Key is still executing",
				Map.of("idempotencyKey", claim.key(), "method", method));
	}

	/**
	 * Ask the store whether the call may execute.
	 * @param ticket the attempt's slot and claim
	 * @return the decision
	 * @throws OrderingStoreException if the store cannot answer
	 */
	Admission begin(Ticket ticket) {
		long start = System.nanoTime();
		boolean success = false;
		try {
			Admission admission = this.store.begin(ticket);
			success = true;
			return admission;
		}
		finally {
			this.listener.onStoreCall("begin", System.nanoTime() - start, success);
		}
	}

	/**
	 * Run an admitted call and tell the store how it ended. A failure of the store at
	 * this point is logged, not answered: the call has run, and its caller must learn
	 * how.
	 * @param call the call
	 * @param chain the rest of the chain
	 * @param ticket the ticket the store admitted
	 * @return the call's result
	 * @throws Exception what the call threw
	 */
	@Nullable Object run(ServerCall call, ServerInterceptorChain chain, Ticket ticket) throws Exception {
		boolean recorded = ticket.claim() != null;
		Object result;
		try {
			result = chain.proceed(call);
		}
		catch (Throwable ex) {
			boolean executed = call.isInvoked();
			end(call, ticket, executed, (recorded && executed) ? outcome(call, ex) : null);
			throw ex;
		}
		end(call, ticket, true, recorded ? outcome(call, result) : null);
		return result;
	}

	private void end(ServerCall call, Ticket ticket, boolean executed, @Nullable StoredOutcome outcome) {
		OrderingSlot slot = ticket.slot();
		IdempotencyClaim claim = ticket.claim();
		long start = System.nanoTime();
		boolean success = false;
		try {
			this.store.end(ticket, executed, outcome);
			success = true;
		}
		catch (OrderingStoreException ex) {
			logger.warn("Could not record the end of " + call.getMethod().getName()
					+ ((slot != null) ? " on ordering key '" + slot.key() + "'" : "")
					+ ((claim != null) ? " with idempotency key '" + claim.key() + "'" : "")
					+ "; until the store takes it, the key stays locked and retries of the call are answered as in"
					+ " flight", ex);
		}
		finally {
			this.listener.onStoreCall("end", System.nanoTime() - start, success);
		}
	}

	/**
	 * Go on without the store, or shed the call, as the options say.
	 * @param call the call
	 * @param chain the rest of the chain
	 * @param failure why the store did not answer
	 * @return the call's result, if failing open
	 * @throws RpcErrorException ({@code -32002}) if failing closed
	 * @throws Exception what the call threw
	 */
	@Nullable Object storeUnavailable(ServerCall call, ServerInterceptorChain chain, OrderingStoreException failure)
			throws Exception {
		String method = call.getMethod().getName();
		if (this.options.isFailOpen()) {
			this.listener.onFailOpen(method);
			if (logger.isDebugEnabled()) {
				logger.debug("Ordering store unavailable, running " + method + " without it", failure);
			}
			return chain.proceed(call);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Ordering store unavailable, shedding " + method, failure);
		}
		throw shed(method, "store-unavailable", "the ordering store is unavailable: " + failure.getMessage());
	}

	/**
	 * Refuse a call before execution with {@code -32002}, telling the caller when to
	 * retry.
	 * @param method the JSON-RPC method name
	 * @param reason the short reason for metrics and {@code data.reason}
	 * @param detail what happened
	 * @return the error to throw
	 */
	RpcErrorException shed(String method, String reason, String detail) {
		this.listener.onShed(method, reason);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", reason);
		data.put("detail", detail);
		return new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", data,
				this.options.getRetryAfter().toMillis());
	}

	OrderingListener listener() {
		return this.listener;
	}

	OrderingOptions options() {
		return this.options;
	}

	StoredOutcome outcome(ServerCall call, @Nullable Object result) {
		return this.outcomes.outcome(call.getMethod().getName(), result);
	}

	StoredOutcome outcome(ServerCall call, Throwable failure) {
		return this.outcomes.outcome(failure);
	}

	Object replay(StoredOutcome outcome) {
		return this.outcomes.replay(outcome);
	}

}
