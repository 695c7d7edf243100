package dev.resilientrpc.ordering;

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
 * Advances this node's {@link HybridLogicalClock} with the {@code Rpc-Timestamp} of every
 * received call, so that calls this node makes while serving it are causally later. A
 * timestamp that is not a decimal 64-bit integer is refused with {@code -32600}; one more
 * than the clock's maximum skew ahead of the physical clock with {@code -32006}. Calls
 * without the header pass untouched.
 */
public final class ClockServerInterceptor implements ServerInterceptor {

	private static final int MAX_ECHOED_LENGTH = 64;

	private final HybridLogicalClock clock;

	private final OrderingListener listener;

	/**
	 * Create a new interceptor.
	 * @param clock the clock of this node
	 * @param listener the listener told about refused timestamps
	 */
	public ClockServerInterceptor(HybridLogicalClock clock, OrderingListener listener) {
		this.clock = clock;
		this.listener = listener;
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		String header = call.getHeader(RpcHeaders.TIMESTAMP);
		if (header != null) {
			long timestamp = parse(header);
			try {
				this.clock.receive(timestamp);
			}
			catch (ClockSkewException ex) {
				this.listener.onClockSkew();
				Map<String, Object> data = new LinkedHashMap<>();
				data.put("timestamp", timestamp);
				data.put("aheadMillis", ex.getAheadMillis());
				data.put("maxClockSkewMillis", ex.getMaxSkewMillis());
				data.put("serverTimeMillis", ex.getPhysicalMillis());
				throw new RpcErrorException(RpcErrorCodes.CLOCK_SKEW, "Timestamp too far ahead of the server's clock",
						data);
			}
		}
		return chain.proceed(call);
	}

	/**
	 * Parse an {@code Rpc-Timestamp} header value, or refuse the call with
	 * {@code -32600}.
	 * @param header the header value
	 * @return the timestamp
	 * @throws RpcErrorException if the value is not a timestamp
	 */
	static long parse(String header) {
		try {
			return HybridLogicalClock.parse(header);
		}
		catch (IllegalArgumentException ex) {
			throw invalidHeader(RpcHeaders.TIMESTAMP, header, ex.getMessage()
					+ " (expected: a decimal 64-bit integer, milliseconds since the epoch in the upper 48 bits and a"
					+ " logical counter in the lower 16)");
		}
	}

	static RpcErrorException invalidHeader(String name, String value, String problem) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", "header '" + name + "' " + problem);
		data.put("header", name);
		data.put("value", (value.length() > MAX_ECHOED_LENGTH) ? value.substring(0, MAX_ECHOED_LENGTH) + "..." : value);
		return new RpcErrorException(RpcErrorCodes.INVALID_REQUEST, "Invalid Request", data);
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.CLOCK;
	}

}
