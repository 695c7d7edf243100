package dev.resilientrpc.benchmarks.peer.feign;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.benchmarks.peer.BootApps;
import dev.resilientrpc.benchmarks.peer.KvPath;
import dev.resilientrpc.benchmarks.peer.KvStore;
import dev.resilientrpc.benchmarks.peer.feign.client.FeignKvClientApplication;
import dev.resilientrpc.benchmarks.peer.feign.client.FeignKvClientApplication.RetryingKv;
import dev.resilientrpc.benchmarks.peer.feign.server.RestKvServerApplication;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Cloud OpenFeign + Spring Cloud LoadBalancer + Resilience4j (circuit breaker
 * through Spring Cloud CircuitBreaker, retry through its annotation) over three
 * {@code @RestController} instances. Resilience4j's retry is given the attempts and
 * back-off of resilient-rpc's default policy (3 attempts, exponential from 50 ms,
 * doubling); everything else keeps its defaults.
 */
public final class FeignPath implements KvPath {

	private final List<ConfigurableApplicationContext> servers;

	private final ConfigurableApplicationContext client;

	private final RetryingKv kv;

	public FeignPath() {
		this.servers = BootApps.servers(RestKvServerApplication.class, new KvStore(), RestClientPath.NO_RPC);
		List<String> properties = new ArrayList<>(List.of(RestClientPath.NO_RPC));
		for (int i = 0; i < this.servers.size(); i++) {
			properties.add("spring.cloud.discovery.client.simple.instances.kv[" + i + "].uri="
					+ BootApps.baseUrl(this.servers.get(i)));
		}
		properties.add("spring.cloud.openfeign.circuitbreaker.enabled=true");
		properties.add("resilience4j.retry.instances.kv.max-attempts=3");
		properties.add("resilience4j.retry.instances.kv.wait-duration=50ms");
		properties.add("resilience4j.retry.instances.kv.enable-exponential-backoff=true");
		properties.add("resilience4j.retry.instances.kv.exponential-backoff-multiplier=2");
		try {
			this.client = BootApps.client(FeignKvClientApplication.class, properties.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			this.servers.forEach(ConfigurableApplicationContext::close);
			throw ex;
		}
		this.kv = this.client.getBean(RetryingKv.class);
	}

	@Override
	public void put(String key, String value) {
		this.kv.put(key, value);
	}

	@Override
	public @Nullable String get(String key) {
		return this.kv.get(key);
	}

	@Override
	public boolean survivesKill() {
		return true;
	}

	@Override
	public void killOne() {
		this.servers.get(1).close();
	}

	@Override
	public void close() {
		this.client.close();
		this.servers.forEach(ConfigurableApplicationContext::close);
	}

}
