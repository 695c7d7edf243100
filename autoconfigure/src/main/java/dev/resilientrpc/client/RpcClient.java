package dev.resilientrpc.client;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotationAwareOrderComparator;

/**
 * Runs client calls through the ordered interceptor chain and the transport. One instance
 * serves every proxy of an application.
 */
public class RpcClient {

	private final ClientInterceptorChain chain;

	private final List<ClientInterceptor> interceptors;

	/**
	 * Create a new client.
	 * @param interceptors the interceptors, in any order: they are sorted by
	 * {@link ClientInterceptor#getOrder()}
	 * @param transport the transport that sends each attempt
	 */
	public RpcClient(List<? extends ClientInterceptor> interceptors, RpcTransport transport) {
		List<ClientInterceptor> sorted = new ArrayList<>(interceptors);
		AnnotationAwareOrderComparator.sort(sorted);
		this.interceptors = List.copyOf(sorted);
		this.chain = ClientInterceptorChain.of(this.interceptors, transport);
	}

	/**
	 * Run a call.
	 * @param call the call
	 * @return the result
	 * @throws RpcException if the call fails
	 */
	public @Nullable Object execute(ClientCall call) {
		return this.chain.proceed(call);
	}

	/**
	 * Return the interceptors in the order they run.
	 * @return the interceptors
	 */
	public List<ClientInterceptor> getInterceptors() {
		return this.interceptors;
	}

}
