package dev.resilientrpc.autoconfigure.client;

import org.springframework.web.client.RestClient;

/**
 * Customizes the {@link RestClient} that sends the calls of one service; for example to
 * send credentials with every request:
 *
 * <pre class="code">
 * &#64;Bean
 * RpcRestClientCustomizer kvCredentials() {
 *     return (service, builder) -&gt; {
 *         if (service.equals("kv")) {
 *             builder.requestInterceptor(new BasicAuthenticationInterceptor("user", "secret"));
 *         }
 *     };
 * }
 * </pre>
 *
 * Every customizer is applied, in order, once per service, when its first call is made.
 */
@FunctionalInterface
public interface RpcRestClientCustomizer {

	/**
	 * Customize the builder of a service's client.
	 * @param service the service name
	 * @param builder the builder, a copy of its own
	 */
	void customize(String service, RestClient.Builder builder);

}
