package dev.resilientrpc.ordering;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.annotation.Unordered;
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
 * Executes the calls of each ordering key one at a time and in strictly increasing
 * timestamp order, across all instances that share the {@link OrderingStore}.
 *
 * <p>
 * For a call with an {@code Rpc-Ordering-Key}:
 * <ol>
 * <li>it waits for its turn on its key on this node: one call at a time, lowest timestamp
 * first, after the reorder window if there is one ({@link KeySequencer});</li>
 * <li>one atomic store operation then decides: a retry of a known call (same
 * {@code Idempotency-Key}) is answered from its record; a call whose timestamp is not
 * above the key's high-water mark is stale and rejected ({@code -32001}) or acknowledged
 * without executing, as its {@link StalePolicy} says; a key locked by a call running on
 * another instance sheds the call ({@code -32002}); otherwise the high-water mark becomes
 * the call's timestamp, the key is locked for it and its idempotency key marked in
 * flight;</li>
 * <li>the call executes, and a second store operation unlocks the key and records the
 * outcome.</li>
 * </ol>
 * A call without an {@code Rpc-Timestamp} is stamped on arrival by this node's clock,
 * that is, ordered by arrival, and is never refused as stale: its caller claimed no place
 * in the order, so if a later-stamped call of its key ran on another instance first, it
 * is stamped again after that one. Calls without an {@code Rpc-Ordering-Key}, calls of
 * methods marked {@link Unordered @Unordered}, and calls whose state orders them itself
 * ({@link ServerCall#ORDERED_BY_STATE_ATTRIBUTE}, such as mutating calls of checkpointed
 * state), pass untouched.
 */
public final class OrderingServerInterceptor implements ServerInterceptor {

	private static final int MAX_RESTAMPS = 3;

	private final HybridLogicalClock clock;

	private final StalePolicies policies;

	private final CallGuard guard;

	private final KeySequencer sequencer;

	private final long maxWaitNanos;

	private final long horizonMillis;

	private final Map<RpcMethodHandler, Boolean> unordered = new ConcurrentHashMap<>();

	/**
	 * Create a new interceptor.
	 * @param clock the clock of this node
	 * @param store the store of high-water marks and idempotency records
	 * @param mapper the mapper the server writes results with
	 * @param policies the stale policy of each method
	 * @param options the options
	 * @param listener the listener
	 */
	public OrderingServerInterceptor(HybridLogicalClock clock, OrderingStore store, ObjectMapper mapper,
			StalePolicies policies, OrderingOptions options, OrderingListener listener) {
		this.clock = clock;
		this.policies = policies;
		this.guard = new CallGuard(store, mapper, options, listener);
		this.sequencer = new KeySequencer(options.getReorderWindow().toNanos());
		this.maxWaitNanos = options.getMaxWait().toNanos();
		this.horizonMillis = store.getWatermarkTtl().toMillis() - clock.getMaxSkewMillis();
		if (this.horizonMillis <= 0) {
			throw new IllegalArgumentException("The store's watermark TTL (" + store.getWatermarkTtl()
					+ ") must exceed the clock's maximum skew (" + clock.getMaxSkewMillis() + " ms)");
		}
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		if (call.getAttribute(ServerCall.ORDERED_BY_STATE_ATTRIBUTE) != null
				|| this.unordered.computeIfAbsent(call.getMethod(),
						(handler) -> AnnotatedElementUtils.hasAnnotation(handler.getMethod(), Unordered.class))) {
			return chain.proceed(call);
		}
		String orderingKey = this.guard.key(call, RpcHeaders.ORDERING_KEY);
		if (orderingKey == null) {
			return chain.proceed(call);
		}
		String header = call.getHeader(RpcHeaders.TIMESTAMP);
		// a call stamped here claims no place in the order: it is never stale, so the
		// store must not record it as ignored
		OrderingSlot slot = (header != null)
				? new OrderingSlot(orderingKey, ClockServerInterceptor.parse(header),
						this.policies.policyOf(call.getMethod()))
				: OrderingSlot.stampedHere(orderingKey, this.clock.now());
		IdempotencyClaim claim = this.guard.claim(call);
		String method = call.getMethod().getName();
		if (claim != null) {
			this.guard.enter(claim, method);
		}
		try {
			KeySequencer.Turn turn = acquire(slot, method);
			try {
				return execute(call, chain, slot, claim);
			}
			finally {
				turn.close();
			}
		}
		finally {
			if (claim != null) {
				this.guard.exit(claim);
			}
		}
	}

	private KeySequencer.Turn acquire(OrderingSlot slot, String method) {
		KeySequencer.Turn turn;
		try {
			turn = this.sequencer.acquire(slot.key(), slot.timestamp(), this.maxWaitNanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw this.guard.shed(method, "wait-timeout", "interrupted while waiting for the turn on its ordering key");
		}
		if (turn == null) {
			throw this.guard.shed(method, "wait-timeout",
					"waited " + this.guard.options().getMaxWait().toMillis() + " ms for the turn on its ordering key");
		}
		this.guard.listener().onTurn(method, turn.waitedNanos());
		return turn;
	}

	private @Nullable Object execute(ServerCall call, ServerInterceptorChain chain, OrderingSlot slot,
			@Nullable IdempotencyClaim claim) throws Exception {
		if (HybridLogicalClock.physicalMillis(slot.timestamp()) < this.clock.physicalNow() - this.horizonMillis) {
			// older than any watermark the store still remembers: it cannot be above the
			// one it forgot
			return stale(call, slot, -1);
		}
		Ticket ticket = Ticket.of(slot, claim);
		Admission admission;
		try {
			admission = this.guard.begin(ticket);
			for (int restamps = 0; admission.getDecision() == Admission.Decision.STALE && slot.stampedHere()
					&& restamps < MAX_RESTAMPS; restamps++) {
				// a later call of the key ran on another instance: stamp this one after
				// it
				slot = slot.restamped(Math.max(this.clock.now(), admission.getHighWaterMark() + 1));
				ticket = Ticket.of(slot, claim);
				admission = this.guard.begin(ticket);
			}
		}
		catch (OrderingStoreException ex) {
			return this.guard.storeUnavailable(call, chain, ex);
		}
		if (admission.getDecision() == Admission.Decision.STALE && slot.stampedHere()) {
			throw this.guard.shed(call.getMethod().getName(), "key-busy", "ordering key '" + slot.key()
					+ "' kept admitting later calls on other instances while this one was stamped");
		}
		OrderingSlot admitted = slot;
		Ticket admittedTicket = ticket;
		return switch (admission.getDecision()) {
			case ADMITTED -> this.guard.run(call, chain, admittedTicket);
			case STALE -> stale(call, admitted, admission.getHighWaterMark());
			case BUSY -> throw this.guard.shed(call.getMethod().getName(), "key-busy", "ordering key '" + admitted.key()
					+ "' is executing a call stamped " + admission.getHighWaterMark() + " on another instance");
			default -> this.guard.answer(admission, requireClaim(claim), call.getMethod().getName());
		};
	}

	private static IdempotencyClaim requireClaim(@Nullable IdempotencyClaim claim) {
		if (claim == null) {
			throw new IllegalStateException("The store answered about an idempotency key the call does not have");
		}
		return claim;
	}

	private @Nullable Object stale(ServerCall call, OrderingSlot slot, long highWaterMark) {
		this.guard.listener().onStale(call.getMethod().getName(), slot.stalePolicy());
		if (slot.stalePolicy() == StalePolicy.IGNORE) {
			return null;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("orderingKey", slot.key());
		data.put("timestamp", slot.timestamp());
		if (highWaterMark >= 0) {
			data.put("highWaterMark", highWaterMark);
		}
		else {
			data.put("reason", "timestamp older than the ordering horizon of " + this.horizonMillis + " ms");
		}
		throw new RpcErrorException(RpcErrorCodes.STALE, "Stale call: a later call of its ordering key came first",
				data);
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.ORDERING;
	}

}
