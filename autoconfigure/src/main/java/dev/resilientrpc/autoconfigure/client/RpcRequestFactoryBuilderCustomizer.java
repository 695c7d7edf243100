package dev.resilientrpc.autoconfigure.client;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;

/**
 * Customizes the builder of the
 * {@link org.springframework.http.client.ClientHttpRequestFactory} that the JSON-RPC
 * transport sends requests with; for example to give requests a per-attempt timeout.
 * Builders are immutable: return the customized one.
 */
@FunctionalInterface
public interface RpcRequestFactoryBuilderCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder
	 * @param properties the client properties
	 * @return the customized builder
	 */
	ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder,
			RpcClientProperties properties);

}
