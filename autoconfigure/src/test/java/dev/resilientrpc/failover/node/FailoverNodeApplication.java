package dev.resilientrpc.failover.node;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.failover.PartitionedState;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A kv node whose state fails over; also the main class of a node run as a child JVM.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class FailoverNodeApplication {

	public static void main(String[] args) {
		SpringApplication.run(FailoverNodeApplication.class, args);
	}

	@Bean
	PartitionedState<CheckpointedMap<String, String>> kvState() {
		return new PartitionedState<>(() -> new CheckpointedMap<>("kv", String.class, String.class));
	}

	@Bean
	KvNode kvNode(PartitionedState<CheckpointedMap<String, String>> state, Environment environment) {
		return new KvNode(state, environment);
	}

	/**
	 * The service.
	 */
	@RpcService("kv")
	public static class KvNode implements FailoverKvApi {

		private final PartitionedState<CheckpointedMap<String, String>> state;

		private final Environment environment;

		KvNode(PartitionedState<CheckpointedMap<String, String>> state, Environment environment) {
			this.state = state;
			this.environment = environment;
		}

		@Override
		public String append(String key, String token) {
			return this.state.current().merge(key, token, (old, added) -> old + "," + added);
		}

		@Override
		public @Nullable String get(String key) {
			return this.state.current().get(key);
		}

		@Override
		public int whoami(String key) {
			return this.environment.getRequiredProperty("local.server.port", Integer.class);
		}

	}

}
