package dev.resilientrpc.client;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The remainder of a client interceptor chain, ending with the transport. The links are
 * built once; {@link #proceed(ClientCall)} may be called again to run the rest of the
 * chain again.
 */
public final class ClientInterceptorChain {

	private final @Nullable ClientInterceptor interceptor;

	private final @Nullable ClientInterceptorChain next;

	private final RpcTransport transport;

	private ClientInterceptorChain(@Nullable ClientInterceptor interceptor, @Nullable ClientInterceptorChain next,
			RpcTransport transport) {
		this.interceptor = interceptor;
		this.next = next;
		this.transport = transport;
	}

	static ClientInterceptorChain of(List<? extends ClientInterceptor> interceptors, RpcTransport transport) {
		ClientInterceptorChain chain = new ClientInterceptorChain(null, null, transport);
		for (int i = interceptors.size() - 1; i >= 0; i--) {
			chain = new ClientInterceptorChain(interceptors.get(i), chain, transport);
		}
		return chain;
	}

	/**
	 * Run the rest of the chain.
	 * @param call the call
	 * @return the call's result
	 */
	public @Nullable Object proceed(ClientCall call) {
		if (this.interceptor == null || this.next == null) {
			return this.transport.send(call);
		}
		return this.interceptor.intercept(call, this.next);
	}

}
