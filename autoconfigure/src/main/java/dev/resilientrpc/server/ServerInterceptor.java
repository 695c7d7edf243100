package dev.resilientrpc.server;

import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * Intercepts a JSON-RPC call on the server after its params were bound and before the
 * method runs. Interceptors run in {@link #getOrder() order}; see
 * {@link dev.resilientrpc.protocol.InterceptorOrder.Server} for the built-in ones.
 */
public interface ServerInterceptor extends Ordered {

	/**
	 * Intercept the call.
	 * @param call the call
	 * @param chain the rest of the chain; {@code chain.proceed(call)} runs it
	 * @return the result of the call
	 * @throws Exception if the call fails
	 */
	@Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception;

}
