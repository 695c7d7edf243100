package dev.resilientrpc.loadbalancer.cluster.client;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.protocol.InterceptorOrder;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A client of the test cluster, with a stand-in for the retry interceptor of issue 3 that
 * retries refused connections.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class NodeClientApplication {

	@Bean
	ClientInterceptor retryRefusedConnections() {
		return new ClientInterceptor() {

			@Override
			public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
				for (int attempt = 1;; attempt++) {
					call.setAttempt(attempt);
					try {
						return chain.proceed(call);
					}
					catch (RpcConnectException ex) {
						if (attempt == 3) {
							throw ex;
						}
					}
				}
			}

			@Override
			public int getOrder() {
				return InterceptorOrder.Client.RETRY;
			}

		};
	}

	/**
	 * Client of the nodes.
	 */
	@ResilientRpc(service = "node")
	public interface NodeClient {

		/**
		 * Return the port of the node that answered.
		 * @param key the routing key
		 * @return the node's port
		 */
		int whoami(@RoutingKey String key);

	}

}
