package dev.resilientrpc.benchmarks.peer.rpc.client;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.benchmarks.peer.PeerKvApi;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The resilient-rpc client: a proxy of {@link PeerKvApi} with the starter's defaults
 * (ring, retry with budget, per-instance breakers, bulkhead, deadline).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RpcKvClientApplication {

	/**
	 * The proxy. A put sets a value, so repeating it is safe: both methods are
	 * idempotent, and retried on timeouts and 5xx answers too, as Resilience4j's retry on
	 * the Feign path retries every failure.
	 */
	@ResilientRpc(service = "kv", idempotent = true)
	public interface KvClient extends PeerKvApi {

	}

}
