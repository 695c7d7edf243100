package dev.resilientrpc.ordering;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcHeaders;

/**
 * Stamps each logical call with one hybrid-logical-clock timestamp, sent as
 * {@code Rpc-Timestamp}. It runs outside the retry interceptor, so every retry, hedge and
 * failover of the call carries the same timestamp; the server recognises them as one call
 * and orders them by it. A call that already has a timestamp (set by an interceptor
 * further out) keeps it.
 */
public final class TimestampClientInterceptor implements ClientInterceptor {

	private final HybridLogicalClock clock;

	/**
	 * Create a new interceptor.
	 * @param clock the clock of this node, the one the server side advances too
	 */
	public TimestampClientInterceptor(HybridLogicalClock clock) {
		this.clock = clock;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		call.getHeaders().computeIfAbsent(RpcHeaders.TIMESTAMP, (name) -> Long.toString(this.clock.now()));
		return chain.proceed(call);
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.TIMESTAMP;
	}

}
