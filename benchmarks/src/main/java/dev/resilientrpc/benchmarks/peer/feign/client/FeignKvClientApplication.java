package dev.resilientrpc.benchmarks.peer.feign.client;

import io.github.resilience4j.retry.annotation.Retry;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.benchmarks.peer.feign.KvEntry;
import dev.resilientrpc.benchmarks.peer.feign.KvKey;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * The Feign client, wired as a Spring user wires it today: a {@code @FeignClient} whose
 * instances come from Spring Cloud LoadBalancer (round robin over the simple discovery
 * client's list), each call in a Spring Cloud CircuitBreaker on Resilience4j
 * ({@code spring.cloud.openfeign.circuitbreaker.enabled}), and a bean that calls it under
 * Resilience4j's {@code @Retry}, which re-runs the whole call so that the balancer picks
 * the next instance.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableFeignClients(clients = FeignKvClientApplication.KvFeignClient.class)
@Import(FeignKvClientApplication.RetryingKv.class)
public class FeignKvClientApplication {

	/**
	 * The Feign client of the REST kv server.
	 */
	@FeignClient(name = "kv")
	public interface KvFeignClient {

		@PostMapping("/kv/put")
		void put(@RequestBody KvEntry entry);

		@PostMapping("/kv/get")
		KvEntry get(@RequestBody KvKey key);

	}

	/**
	 * What the application calls: the Feign client under Resilience4j's retry.
	 */
	public static class RetryingKv {

		private final KvFeignClient client;

		RetryingKv(KvFeignClient client) {
			this.client = client;
		}

		@Retry(name = "kv")
		public void put(String key, String value) {
			this.client.put(new KvEntry(key, value));
		}

		@Retry(name = "kv")
		public @Nullable String get(String key) {
			return this.client.get(new KvKey(key)).value();
		}

	}

}
