package dev.resilientrpc.ordering;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

/**
 * Executes each call with an {@code Idempotency-Key} at most once and replays its outcome
 * to every later attempt. The first attempt claims the key in the {@link OrderingStore}
 * (in flight); when it ends, its result or error is stored for the store's TTL. A later
 * attempt gets the stored outcome instead of executing again, one arriving while the
 * first still runs gets {@code -32004} (retryable), and the same key with another method
 * or other params gets {@code -32005}. A call refused before its method ran leaves no
 * record, so a retry may run it.
 *
 * <p>
 * Calls that also carry an {@code Rpc-Ordering-Key} are left to the
 * {@link OrderingServerInterceptor} when it is in the chain: it claims the key in the
 * same store operation that admits the call to its ordering key. Calls without an
 * {@code Idempotency-Key}, and calls whose state keeps their records itself
 * ({@link ServerCall#ORDERED_BY_STATE_ATTRIBUTE}), pass untouched.
 */
public final class IdempotencyServerInterceptor implements ServerInterceptor {

	private final CallGuard guard;

	private final boolean orderedCallsLeftToOrdering;

	/**
	 * Create a new interceptor.
	 * @param store the store of idempotency records
	 * @param mapper the mapper the server writes results with
	 * @param options the options
	 * @param listener the listener
	 * @param orderedCallsLeftToOrdering whether an {@link OrderingServerInterceptor} in
	 * the same chain handles calls with an {@code Rpc-Ordering-Key}
	 */
	public IdempotencyServerInterceptor(OrderingStore store, ObjectMapper mapper, OrderingOptions options,
			OrderingListener listener, boolean orderedCallsLeftToOrdering) {
		this.guard = new CallGuard(store, mapper, options, listener);
		this.orderedCallsLeftToOrdering = orderedCallsLeftToOrdering;
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		if (call.getAttribute(ServerCall.ORDERED_BY_STATE_ATTRIBUTE) != null
				|| (this.orderedCallsLeftToOrdering && call.getHeader(RpcHeaders.ORDERING_KEY) != null)) {
			return chain.proceed(call);
		}
		IdempotencyClaim claim = this.guard.claim(call);
		if (claim == null) {
			return chain.proceed(call);
		}
		String method = call.getMethod().getName();
		this.guard.enter(claim, method);
		try {
			Ticket ticket = Ticket.of(null, claim);
			Admission admission;
			try {
				admission = this.guard.begin(ticket);
			}
			catch (OrderingStoreException ex) {
				return this.guard.storeUnavailable(call, chain, ex);
			}
			if (admission.getDecision() == Admission.Decision.ADMITTED) {
				return this.guard.run(call, chain, ticket);
			}
			return this.guard.answer(admission, claim, method);
		}
		finally {
			this.guard.exit(claim);
		}
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.IDEMPOTENCY;
	}

}
