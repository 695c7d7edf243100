package dev.resilientrpc.loadbalancer.cluster.client;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.annotation.RoutingKey;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A client of the test cluster. The retry interceptor retries refused connections; reads
 * are also retried after a connection that died with its node, since {@code whoami} is
 * idempotent.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class NodeClientApplication {

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
		@ResilientRpc(idempotent = true)
		int whoami(@RoutingKey String key);

	}

}
