package dev.resilientrpc.server;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The remainder of a server interceptor chain. The links are built once, so running a
 * call through the chain allocates nothing.
 */
public final class ServerInterceptorChain {

	private final @Nullable ServerInterceptor interceptor;

	private final @Nullable ServerInterceptorChain next;

	private ServerInterceptorChain(@Nullable ServerInterceptor interceptor, @Nullable ServerInterceptorChain next) {
		this.interceptor = interceptor;
		this.next = next;
	}

	static ServerInterceptorChain of(List<ServerInterceptor> interceptors) {
		ServerInterceptorChain chain = new ServerInterceptorChain(null, null);
		for (int i = interceptors.size() - 1; i >= 0; i--) {
			chain = new ServerInterceptorChain(interceptors.get(i), chain);
		}
		return chain;
	}

	/**
	 * Run the rest of the chain, ending with the invocation of the method.
	 * @param call the call
	 * @return the method's result
	 * @throws Exception what the method or an interceptor threw
	 */
	public @Nullable Object proceed(ServerCall call) throws Exception {
		if (this.interceptor == null || this.next == null) {
			call.markInvoked();
			return call.getMethod().invoke(call.getArguments());
		}
		return this.interceptor.intercept(call, this.next);
	}

}
