package dev.resilientrpc.server;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Builds {@link ServerCall}s for tests of interceptors and forwarding.
 */
public final class TestServerCalls {

	private TestServerCalls() {
	}

	/**
	 * Create a call of an exported method.
	 * @param registry the exported methods
	 * @param method the JSON-RPC method name
	 * @param headers the request headers
	 * @param arguments the bound arguments
	 * @return the call
	 */
	public static ServerCall of(RpcServiceRegistry registry, String method, Map<String, String> headers,
			@Nullable Object... arguments) {
		RpcMethodHandler handler = registry.find(method);
		if (handler == null) {
			throw new IllegalArgumentException("No method " + method);
		}
		return new ServerCall(handler, arguments, headers::get, false);
	}

}
