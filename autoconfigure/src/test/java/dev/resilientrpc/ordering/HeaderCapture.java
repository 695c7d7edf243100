package dev.resilientrpc.ordering;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

/**
 * The innermost interceptor of the tests: hands the call's headers to
 * {@link LedgerServer}.
 */
public final class HeaderCapture implements ServerInterceptor {

	private static final List<String> NAMES = List.of(RpcHeaders.IDEMPOTENCY_KEY, RpcHeaders.TIMESTAMP,
			RpcHeaders.ORDERING_KEY, RpcHeaders.ATTEMPT);

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		Map<String, String> headers = new HashMap<>();
		for (String name : NAMES) {
			String value = call.getHeader(name);
			if (value != null) {
				headers.put(name, value);
			}
		}
		LedgerServer.currentHeaders.set(headers);
		try {
			return chain.proceed(call);
		}
		finally {
			LedgerServer.currentHeaders.remove();
		}
	}

	@Override
	public int getOrder() {
		return Integer.MAX_VALUE;
	}

}
