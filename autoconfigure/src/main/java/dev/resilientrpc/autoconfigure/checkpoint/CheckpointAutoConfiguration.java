package dev.resilientrpc.autoconfigure.checkpoint;

import io.micrometer.core.instrument.binder.MeterBinder;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointMetrics;
import dev.resilientrpc.checkpoint.CheckpointStore;
import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.checkpoint.CommandLogInterceptor;
import dev.resilientrpc.checkpoint.InMemoryCheckpointStore;
import dev.resilientrpc.checkpoint.RedisCheckpointStore;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;

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
@EnableConfigurationProperties(CheckpointProperties.class)
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
			ObjectProvider<CheckpointManagerBuilderCustomizer> customizers) {
		properties.validate();
		CheckpointManager.Builder builder = CheckpointManager.builder(store)
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
	CommandLogInterceptor commandLogInterceptor(CheckpointManager manager, ObjectProvider<JsonMapper> jsonMapper) {
		return new CommandLogInterceptor(manager, RpcJsonMapper.from(jsonMapper));
	}

	@Bean
	@ConditionalOnMissingBean
	CheckpointLifecycle checkpointLifecycle(CheckpointManager manager, CommandLogInterceptor interceptor,
			ObjectProvider<RpcServiceRegistry> registry, ObjectProvider<JsonRpcServer> server,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new CheckpointLifecycle(manager, interceptor, registry, server, RpcJsonMapper.from(jsonMapper));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisConnectionFactory.class)
	static class RedisStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(CheckpointStore.class)
		@ConditionalOnBean(RedisConnectionFactory.class)
		RedisCheckpointStore redisCheckpointStore(RedisConnectionFactory connectionFactory,
				CheckpointProperties properties) {
			properties.validate();
			return new RedisCheckpointStore(connectionFactory, properties.getKeyPrefix());
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
		@ConditionalOnAvailableEndpoint
		@ConditionalOnMissingBean
		CheckpointEndpoint checkpointEndpoint(CheckpointManager manager) {
			return new CheckpointEndpoint(manager);
		}

	}

}
