package dev.resilientrpc.cluster;

import java.net.URI;

/**
 * One instance of a service and the URI of its JSON-RPC endpoint.
 *
 * @param service the service name
 * @param endpoint the full endpoint URI, for example {@code http://10.0.0.1:8080/rpc}
 */
public record ServiceInstance(String service, URI endpoint) {

	@Override
	public String toString() {
		return this.service + "@" + this.endpoint;
	}

}
