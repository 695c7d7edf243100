package dev.resilientrpc.benchmarks.peer.feign;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.benchmarks.peer.BootApps;
import dev.resilientrpc.benchmarks.peer.KvPath;
import dev.resilientrpc.benchmarks.peer.KvStore;
import dev.resilientrpc.benchmarks.peer.feign.server.RestKvServerApplication;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The HTTP floor: a plain {@link RestClient} on Apache HttpClient 5 (the client the
 * resilient-rpc starter uses), with a pool as large as the client threads, POSTing to the
 * first of the three {@code @RestController} instances; no balancer, no retry, no
 * breaker.
 */
public final class RestClientPath implements KvPath {

	/** Properties that keep resilient-rpc's own client and server out of a context. */
	static final String[] NO_RPC = { "resilient-rpc.client.enabled=false", "resilient-rpc.server.enabled=false" };

	private final List<ConfigurableApplicationContext> servers;

	private final HttpComponentsClientHttpRequestFactory requestFactory;

	private final RestClient client;

	public RestClientPath(int threads) {
		this.servers = BootApps.servers(RestKvServerApplication.class, new KvStore(), NO_RPC);
		this.requestFactory = ClientHttpRequestFactoryBuilder.httpComponents()
			.withConnectionManagerCustomizer((manager) -> manager.setMaxConnPerRoute(threads).setMaxConnTotal(threads))
			.build(HttpClientSettings.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(10)));
		this.client = RestClient.builder()
			.baseUrl(BootApps.baseUrl(this.servers.get(0)))
			.requestFactory(this.requestFactory)
			.build();
	}

	@Override
	public void put(String key, String value) {
		this.client.post()
			.uri("/kv/put")
			.contentType(MediaType.APPLICATION_JSON)
			.body(new KvEntry(key, value))
			.retrieve()
			.toBodilessEntity();
	}

	@Override
	public @Nullable String get(String key) {
		KvEntry entry = this.client.post()
			.uri("/kv/get")
			.contentType(MediaType.APPLICATION_JSON)
			.body(new KvKey(key))
			.retrieve()
			.body(KvEntry.class);
		return (entry != null) ? entry.value() : null;
	}

	@Override
	public boolean survivesKill() {
		return false;
	}

	@Override
	public void killOne() {
		throw new UnsupportedOperationException("The floor calls one instance");
	}

	@Override
	public void close() {
		try {
			this.requestFactory.destroy();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		this.servers.forEach(ConfigurableApplicationContext::close);
	}

}
