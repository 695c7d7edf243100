package dev.resilientrpc.benchmarks.peer.rpc;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.benchmarks.peer.BootApps;
import dev.resilientrpc.benchmarks.peer.KvPath;
import dev.resilientrpc.benchmarks.peer.KvStore;
import dev.resilientrpc.benchmarks.peer.rpc.client.RpcKvClientApplication;
import dev.resilientrpc.benchmarks.peer.rpc.client.RpcKvClientApplication.KvClient;
import dev.resilientrpc.benchmarks.peer.rpc.server.RpcKvServerApplication;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * resilient-rpc: a {@code @ResilientRpc} proxy with the starter's defaults over three
 * {@code @RpcService} instances, with timestamp ordering and idempotency (in-memory
 * store) off or on, on both sides.
 */
public final class RpcPath implements KvPath {

	private final List<ConfigurableApplicationContext> servers;

	private final ConfigurableApplicationContext client;

	private final KvClient kv;

	public RpcPath(boolean ordering) {
		// the benchmarks module has Spring Data Redis: keep the ordering store in memory
		String orderingStore = ordering ? "resilient-rpc.ordering.store=in-memory"
				: "resilient-rpc.ordering.enabled=false";
		this.servers = BootApps.servers(RpcKvServerApplication.class, new KvStore(), orderingStore,
				"resilient-rpc.client.enabled=false");
		String instances = this.servers.stream().map(BootApps::baseUrl).collect(Collectors.joining(","));
		try {
			this.client = BootApps.client(RpcKvClientApplication.class, orderingStore,
					"resilient-rpc.server.enabled=false", "resilient-rpc.client.services.kv.instances=" + instances);
		}
		catch (RuntimeException ex) {
			this.servers.forEach(ConfigurableApplicationContext::close);
			throw ex;
		}
		this.kv = this.client.getBean(KvClient.class);
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
