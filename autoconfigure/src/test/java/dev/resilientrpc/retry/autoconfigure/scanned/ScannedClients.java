package dev.resilientrpc.retry.autoconfigure.scanned;

import dev.resilientrpc.annotation.ResilientRpc;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Configuration;

/**
 * An application package whose {@code @ResilientRpc} interface names a missing policy.
 */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class ScannedClients {

	/** Names a policy that does not exist. */
	@ResilientRpc(service = "kv", retry = "writes")
	public interface ScannedClient {

		void put(String key);

	}

}
