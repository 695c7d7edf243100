package dev.resilientrpc.autoconfigure.checkpoint;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.autoconfigure.RpcRedisProperties;
import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointMetrics;
import dev.resilientrpc.checkpoint.CheckpointStore;
import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.checkpoint.InMemoryCheckpointStore;
import dev.resilientrpc.checkpoint.MutatingCallInterceptor;
import dev.resilientrpc.checkpoint.MutatingCalls;
import dev.resilientrpc.checkpoint.RedisCheckpointStore;
import dev.resilientrpc.ordering.HybridLogicalClock;
import dev.resilientrpc.ordering.OrderingOptions;
import dev.resilientrpc.ordering.StalePolicies;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.slot.PartitionedState;
import dev.resilientrpc.slot.SlotTables;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of checkpoints and command logs: every {@link Checkpointable} bean
 * is restored before the JSON-RPC endpoint accepts calls and checkpointed on an interval,
 * on shutdown and on demand; calls to
 * {@link dev.resilientrpc.annotation.Mutating @Mutating} methods are logged. Checkpoints
 * go to Redis when a {@link RedisConnectionFactory} bean exists, else to memory (with a
 * warning that nothing survives a restart).
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "resilient-rpc.checkpoint.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ CheckpointProperties.class, RpcRedisProperties.class })
public final class CheckpointAutoConfiguration {

	// after the nested RedisStoreConfiguration, whose store wins when Redis is configured
	@Bean
	@ConditionalOnMissingBean(CheckpointStore.class)
	InMemoryCheckpointStore inMemoryCheckpointStore() {
		return new InMemoryCheckpointStore();
	}

	@Bean
	@ConditionalOnMissingBean
	CheckpointManager checkpointManager(CheckpointStore store, CheckpointProperties properties,
			ObjectProvider<Checkpointable> checkpointables, Environment environment,
			ObjectProvider<CheckpointManagerBuilderCustomizer> customizers, ObjectProvider<JsonMapper> jsonMapper) {
		properties.validate();
		CheckpointManager.Builder builder = CheckpointManager.builder(store)
			.mapper(RpcJsonMapper.from(jsonMapper))
			.checkpointables(checkpointables.orderedStream().toList())
			.nodeId(nodeId(properties, environment))
			.interval(properties.getInterval())
			.keep(properties.getKeep())
			.compression(properties.getCompression())
			.chunkSize((int) properties.getChunkSize().toBytes())
			.durability(properties.getDurability())
			.replicas(properties.getReplicas())
			.replicationTimeout(properties.getReplicationTimeout())
			.logTimeout(properties.getLogTimeout())
			.retryBackoff(properties.getRetryBackoff())
			.restoreTimeout(properties.getRestoreTimeout())
			.rememberedCalls(properties.getRememberedCalls());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	static String nodeId(CheckpointProperties properties, Environment environment) {
		String configured = properties.getNodeId();
		if (configured != null) {
			return configured;
		}
		String name = environment.getProperty("spring.application.name", "application")
			.replaceAll("[^A-Za-z0-9._:@-]", "-");
		String port = environment.getProperty("server.port");
		return (port != null && !port.isBlank() && !"0".equals(port.trim())) ? name + "-" + port.trim() : name;
	}

	@Bean
	@ConditionalOnMissingBean
	MutatingCalls rpcMutatingCalls(ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<HybridLogicalClock> clock,
			ObjectProvider<StalePolicies> policies, ObjectProvider<OrderingOptions> orderingOptions) {
		OrderingOptions options = orderingOptions.getIfAvailable(OrderingOptions::defaults);
		// the node's one clock when ordering is on; without it, a clock of the same kind
		HybridLogicalClock nodeClock = clock
			.getIfAvailable(() -> new HybridLogicalClock(Clock.systemUTC(), HybridLogicalClock.DEFAULT_MAX_SKEW));
		return new MutatingCalls(RpcJsonMapper.from(jsonMapper), nodeClock,
				policies.getIfAvailable(() -> new StalePolicies(StalePolicy.REJECT, Map.of())),
				options.getReorderWindow(), options.getMaxWait(), options.getRetryAfter());
	}

	@Bean
	@ConditionalOnMissingBean
	MutatingCallInterceptor rpcMutatingCallInterceptor(CheckpointManager manager, MutatingCalls calls) {
		return new MutatingCallInterceptor(manager, calls);
	}

	@Bean
	@ConditionalOnMissingBean
	ServerCommandReplayer rpcCommandReplayer(ObjectProvider<JsonRpcServer> server,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new ServerCommandReplayer(server, RpcJsonMapper.from(jsonMapper));
	}

	@Bean
	@ConditionalOnMissingBean
	CheckpointLifecycle checkpointLifecycle(CheckpointManager manager, MutatingCallInterceptor interceptor,
			ObjectProvider<RpcServiceRegistry> registry, ServerCommandReplayer replayer,
			ObjectProvider<PartitionedState<?>> partitioned, ObjectProvider<SlotTables> slots) {
		return new CheckpointLifecycle(manager, interceptor, registry, replayer,
				() -> partitionedNames(partitioned, slots.getIfAvailable()));
	}

	/**
	 * Return the names of the partitioned states, each of which must have a slot table:
	 * its calls are routed to slots, and without one nothing would serve them.
	 */
	private static Set<String> partitionedNames(ObjectProvider<PartitionedState<?>> partitioned,
			@Nullable SlotTables slots) {
		Set<String> names = new LinkedHashSet<>();
		for (PartitionedState<?> state : partitioned.orderedStream().toList()) {
			String name = state.getCheckpointName();
			if (slots == null || slots.find(name) == null) {
				throw new IllegalStateException("PartitionedState '" + name + "' splits its state into slots, but no "
						+ "slots are held: they need Redis (spring.data.redis.*, with spring-boot-starter-data-redis) "
						+ "and resilient-rpc.slots.enabled=true");
			}
			names.add(name);
		}
		return names;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisConnectionFactory.class)
	static class RedisStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(CheckpointStore.class)
		@ConditionalOnBean(RedisConnectionFactory.class)
		RedisCheckpointStore redisCheckpointStore(RedisConnectionFactory connectionFactory,
				RpcRedisProperties redisProperties) {
			return new RedisCheckpointStore(connectionFactory, redisProperties.validatedKeyPrefix());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CheckpointMetrics checkpointMetrics(CheckpointManager manager) {
			return new CheckpointMetrics(manager);
		}

	}

	// conditions whose classes may be missing go on the bean method, read only once the
	// class check passed
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class HealthConfiguration {

		@Bean
		@ConditionalOnEnabledHealthIndicator("checkpoint")
		@ConditionalOnMissingBean(name = "checkpointHealthIndicator")
		CheckpointHealthIndicator checkpointHealthIndicator(CheckpointManager manager,
				CheckpointProperties properties) {
			return new CheckpointHealthIndicator(manager, properties.getFailureThreshold());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class EndpointConfiguration {

		@Bean
		@Order(300)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnMissingBean
		CheckpointEndpointContributor rpcCheckpointEndpointContributor(CheckpointManager manager) {
			return new CheckpointEndpointContributor(manager);
		}

	}

}
