package dev.resilientrpc.slot.kv;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.slot.PartitionedState;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A kv node: its entries are a {@link PartitionedState} named {@code kv}, like the
 * service, so the slot auto-configuration splits them into slots over the service's
 * instances.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class KvApplication {

	@Bean
	PartitionedState<CheckpointedMap<String, String>> kvState() {
		return new PartitionedState<>(() -> new CheckpointedMap<>("kv", String.class, String.class));
	}

	@Bean
	KvService kvService(PartitionedState<CheckpointedMap<String, String>> kvState) {
		return new KvService(kvState);
	}

	/**
	 * The service.
	 */
	@RpcService("kv")
	public static class KvService implements KvApi {

		private final PartitionedState<CheckpointedMap<String, String>> state;

		KvService(PartitionedState<CheckpointedMap<String, String>> state) {
			this.state = state;
		}

		@Override
		public String append(String key, String suffix) {
			return Objects.requireNonNull(this.state.current().merge(key, suffix, (old, added) -> old + "," + added));
		}

		@Override
		public @Nullable String get(String key) {
			return this.state.current().get(key);
		}

	}

}
