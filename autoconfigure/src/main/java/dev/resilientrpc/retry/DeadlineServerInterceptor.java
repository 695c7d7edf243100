package dev.resilientrpc.retry;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

/**
 * Reads the caller's remaining time from {@code Rpc-Timeout} and refuses a call that has
 * none left with {@code -32003} before it runs. While the call runs, its deadline is
 * bound to the thread ({@link DeadlineContext}), so that calls it makes to other services
 * inherit what is left of it, and later interceptors can drop work that expired while it
 * waited. A header that is not a whole number of milliseconds is ignored.
 */
public final class DeadlineServerInterceptor implements ServerInterceptor {

	private final Ticker ticker;

	/**
	 * Create a new interceptor.
	 * @param ticker times deadlines
	 */
	public DeadlineServerInterceptor(Ticker ticker) {
		this.ticker = ticker;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.DEADLINE;
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		String header = call.getHeader(RpcHeaders.TIMEOUT);
		Long millis = parse(header);
		if (millis == null) {
			return chain.proceed(call);
		}
		if (millis <= 0) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("method", call.getMethod().getName());
			data.put("timeoutMillis", millis);
			throw new RpcErrorException(RpcErrorCodes.DEADLINE_EXCEEDED, "Deadline exceeded", data);
		}
		Deadline previous = DeadlineContext.bind(Deadline.after(millis * 1_000_000L, this.ticker));
		try {
			return chain.proceed(call);
		}
		finally {
			DeadlineContext.restore(previous);
		}
	}

	private static @Nullable Long parse(@Nullable String header) {
		if (header == null) {
			return null;
		}
		try {
			long millis = Long.parseLong(header.trim());
			// a deadline beyond 100 years is no deadline; it must not overflow in
			// nanoseconds
			return (millis > 3_153_600_000_000L) ? null : millis;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
