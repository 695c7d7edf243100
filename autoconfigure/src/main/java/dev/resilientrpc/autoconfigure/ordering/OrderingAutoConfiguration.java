package dev.resilientrpc.autoconfigure.ordering;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.autoconfigure.RpcRedisProperties;
import dev.resilientrpc.autoconfigure.client.RpcClientAutoConfiguration;
import dev.resilientrpc.autoconfigure.server.RpcServerAutoConfiguration;
import dev.resilientrpc.ordering.ClockServerInterceptor;
import dev.resilientrpc.ordering.HybridLogicalClock;
import dev.resilientrpc.ordering.IdempotencyServerInterceptor;
import dev.resilientrpc.ordering.OrderingListener;
import dev.resilientrpc.ordering.OrderingOptions;
import dev.resilientrpc.ordering.OrderingServerInterceptor;
import dev.resilientrpc.ordering.OrderingStore;
import dev.resilientrpc.ordering.StalePolicies;
import dev.resilientrpc.ordering.TimestampClientInterceptor;
import dev.resilientrpc.server.RpcMethodHandler;
import dev.resilientrpc.server.RpcServiceRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of timestamp ordering and idempotency: a hybrid logical clock, the
 * client interceptor that stamps every logical call once, and, on a JSON-RPC server, the
 * clock, idempotency and ordering interceptors over an {@link OrderingStore} (Redis when
 * a {@code RedisConnectionFactory} exists, memory otherwise).
 */
@AutoConfiguration(after = { RpcServerAutoConfiguration.class, RpcClientAutoConfiguration.class },
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(JsonMapper.class)
@ConditionalOnBooleanProperty(name = "resilient-rpc.ordering.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ OrderingProperties.class, RpcRedisProperties.class })
@Import({ OrderingStoreConfigurations.Redis.class, OrderingStoreConfigurations.InMemory.class,
		OrderingStoreConfigurations.Endpoint.class })
public final class OrderingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HybridLogicalClock rpcHybridLogicalClock(OrderingProperties properties) {
		properties.validate();
		return new HybridLogicalClock(Clock.systemUTC(), properties.getMaxClockSkew());
	}

	@Bean
	@ConditionalOnMissingBean
	TimestampClientInterceptor rpcTimestampClientInterceptor(HybridLogicalClock clock) {
		return new TimestampClientInterceptor(clock);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(OrderingListener.class)
		MicrometerOrderingListener rpcOrderingMetrics(MeterRegistry registry) {
			return new MicrometerOrderingListener(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RpcServiceRegistry.class)
	static class ServerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClockServerInterceptor rpcClockServerInterceptor(HybridLogicalClock clock,
				ObjectProvider<OrderingListener> listener) {
			return new ClockServerInterceptor(clock, listener.getIfUnique(() -> OrderingListener.NONE));
		}

		@Bean
		@ConditionalOnMissingBean
		IdempotencyServerInterceptor rpcIdempotencyServerInterceptor(OrderingStore store,
				ObjectProvider<JsonMapper> jsonMapper, OrderingOptions options,
				ObjectProvider<OrderingListener> listener) {
			return new IdempotencyServerInterceptor(store, RpcJsonMapper.from(jsonMapper), options,
					listener.getIfUnique(() -> OrderingListener.NONE), true);
		}

		@Bean
		@ConditionalOnMissingBean
		OrderingServerInterceptor rpcOrderingServerInterceptor(HybridLogicalClock clock, OrderingStore store,
				ObjectProvider<JsonMapper> jsonMapper, OrderingOptions options, StalePolicies policies,
				ObjectProvider<OrderingListener> listener) {
			return new OrderingServerInterceptor(clock, store, RpcJsonMapper.from(jsonMapper), policies, options,
					listener.getIfUnique(() -> OrderingListener.NONE));
		}

		@Bean
		@ConditionalOnMissingBean
		OrderingOptions rpcOrderingOptions(OrderingProperties properties) {
			return options(properties);
		}

		@Bean
		@ConditionalOnMissingBean
		StalePolicies rpcStalePolicies(OrderingProperties properties, RpcServiceRegistry registry) {
			return stalePolicies(properties, registry);
		}

		private static OrderingOptions options(OrderingProperties properties) {
			properties.validate();
			return OrderingOptions.defaults()
				.withMaxKeyLength(properties.getMaxKeyLength())
				.withFailOpen(properties.isFailOpen())
				.withRetryAfter(properties.getRetryAfter())
				.withMaxWait(properties.getMaxWait())
				.withRecordAfterDeadline(properties.getIdempotency().getAfterDeadline())
				.withReorderWindow(properties.getReorderWindow());
		}

		/**
		 * Resolve the stale policies and check them against the exported methods: a
		 * configured name that is not exported, or {@code ignore} on a method whose
		 * primitive result cannot be {@code null}, fails the startup.
		 */
		private static StalePolicies stalePolicies(OrderingProperties properties, RpcServiceRegistry registry) {
			properties.getServices().forEach((serviceName, service) -> {
				String property = "resilient-rpc.ordering.services." + serviceName;
				if (!registry.getServices().contains(serviceName)) {
					throw new InvalidConfigurationPropertyValueException(property, serviceName,
							"no such service is exported; exported services: " + registry.getServices());
				}
				service.getMethods().keySet().forEach((methodName) -> {
					if (registry.find(serviceName + "." + methodName) == null) {
						throw new InvalidConfigurationPropertyValueException(property + ".methods." + methodName,
								methodName, "service '" + serviceName + "' exports no such method");
					}
				});
			});
			StalePolicies policies = new StalePolicies(properties.getStalePolicy(), properties.stalePolicyOverrides());
			List<String> unfit = new ArrayList<>();
			for (Map.Entry<String, RpcMethodHandler> entry : registry.getMethods().entrySet()) {
				Class<?> returnType = entry.getValue().getMethod().getReturnType();
				if (policies.policyOf(entry.getValue()) == StalePolicy.IGNORE && returnType.isPrimitive()
						&& returnType != void.class) {
					unfit.add(entry.getKey() + " (returns " + returnType + ")");
				}
			}
			if (!unfit.isEmpty()) {
				throw new IllegalStateException("Stale policy 'ignore' answers a stale call with null, which " + unfit
						+ " cannot return: give them the policy 'reject' with @OnStale or"
						+ " resilient-rpc.ordering.services.<service>.methods.<method>.stale-policy");
			}
			return policies;
		}

	}

}
