package dev.resilientrpc.slot.client;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.slot.kv.KvApi;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A client application: its package holds the proxy interface.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class KvClientApplication {

	/** The kv service, as a proxy. */
	@ResilientRpc(service = "kv")
	public interface KvClient extends KvApi {

	}

}
