package dev.resilientrpc.client;

import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * Intercepts calls made through client proxies. Interceptors run in {@link #getOrder()
 * order} around the HTTP transport; see
 * {@link dev.resilientrpc.protocol.InterceptorOrder.Client} for the built-in ones. An
 * interceptor may call {@code chain.proceed(call)} more than once (a retry does).
 */
public interface ClientInterceptor extends Ordered {

	/**
	 * Intercept the call.
	 * @param call the call
	 * @param chain the rest of the chain
	 * @return the call's result
	 */
	@Nullable Object intercept(ClientCall call, ClientInterceptorChain chain);

}
