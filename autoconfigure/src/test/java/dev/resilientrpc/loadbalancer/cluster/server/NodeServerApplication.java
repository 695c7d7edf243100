package dev.resilientrpc.loadbalancer.cluster.server;

import dev.resilientrpc.annotation.RpcService;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * One node of a test cluster: it tells which node answered.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class NodeServerApplication {

	@Bean
	NodeServer nodeServer(Environment environment) {
		return new NodeServer(environment);
	}

	/**
	 * The API of a node.
	 */
	public interface NodeApi {

		/**
		 * Return the port of the node that answered.
		 * @param key the routing key
		 * @return the node's port
		 */
		int whoami(String key);

	}

	/**
	 * Answers with its own port.
	 */
	@RpcService("node")
	public static class NodeServer implements NodeApi {

		private final Environment environment;

		NodeServer(Environment environment) {
			this.environment = environment;
		}

		@Override
		public int whoami(String key) {
			return this.environment.getRequiredProperty("local.server.port", Integer.class);
		}

	}

}
