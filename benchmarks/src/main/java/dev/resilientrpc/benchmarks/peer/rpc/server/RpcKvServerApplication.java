package dev.resilientrpc.benchmarks.peer.rpc.server;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.benchmarks.peer.KvStore;
import dev.resilientrpc.benchmarks.peer.PeerKvApi;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * One resilient-rpc kv instance: {@link PeerKvApi} exported at {@code POST /rpc} over the
 * {@link KvStore} bean that the driver registers.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RpcKvServerApplication {

	@Bean
	RpcKv rpcKv(KvStore store) {
		return new RpcKv(store);
	}

	/**
	 * The exported service.
	 */
	@RpcService("kv")
	public static class RpcKv implements PeerKvApi {

		private final KvStore store;

		RpcKv(KvStore store) {
			this.store = store;
		}

		@Override
		public void put(String key, String value) {
			this.store.put(key, value);
		}

		@Override
		public @Nullable String get(String key) {
			return this.store.get(key);
		}

	}

}
