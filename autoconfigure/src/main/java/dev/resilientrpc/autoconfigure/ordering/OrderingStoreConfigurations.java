package dev.resilientrpc.autoconfigure.ordering;

import java.time.Clock;

import dev.resilientrpc.autoconfigure.RpcRedisProperties;
import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.ordering.InMemoryOrderingStore;
import dev.resilientrpc.ordering.OrderingStore;
import dev.resilientrpc.ordering.RedisOrderingStore;
import dev.resilientrpc.server.RpcServiceRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@link OrderingStore} configurations, imported by {@link OrderingAutoConfiguration}
 * in this order so that Redis, when there is a {@link RedisConnectionFactory}, comes
 * before memory. The store exists only on a JSON-RPC server.
 */
final class OrderingStoreConfigurations {

	private OrderingStoreConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(StringRedisTemplate.class)
	@ConditionalOnBean({ RedisConnectionFactory.class, RpcServiceRegistry.class })
	@Conditional(StoreNotInMemoryCondition.class)
	static class Redis {

		@Bean
		@ConditionalOnMissingBean(OrderingStore.class)
		RedisOrderingStore rpcOrderingStore(RedisConnectionFactory connectionFactory, OrderingProperties properties,
				RpcRedisProperties redisProperties) {
			properties.validate();
			// the store puts the hash tag right after its prefix
			return new RedisOrderingStore(new StringRedisTemplate(connectionFactory),
					redisProperties.validatedKeyPrefix() + ":", properties.getIdempotency().getTtl(),
					properties.getWatermarkTtl(), properties.getLockLease());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RpcServiceRegistry.class)
	static class InMemory {

		@Bean
		@ConditionalOnMissingBean(OrderingStore.class)
		InMemoryOrderingStore rpcOrderingStore(OrderingProperties properties) {
			properties.validate();
			if (properties.getStore() == OrderingProperties.Store.REDIS) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.ordering.store", "redis",
						"there is no RedisConnectionFactory bean: add spring-boot-starter-data-redis and configure"
								+ " spring.data.redis.*, or use 'auto' or 'in-memory'");
			}
			return new InMemoryOrderingStore(Clock.systemUTC(), properties.getIdempotency().getTtl(),
					properties.getWatermarkTtl(), properties.getInMemory().getMaxRecords());
		}

	}

	/**
	 * The {@code ordering} part of the {@code resilientrpc} endpoint; imported after the
	 * store configurations, so that their store is known when its condition is read.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	static class Endpoint {

		@Bean
		@Order(500)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnBean(OrderingStore.class)
		@ConditionalOnMissingBean
		OrderingEndpointContributor rpcOrderingEndpointContributor(OrderingStore store) {
			return new OrderingEndpointContributor(store);
		}

	}

	/**
	 * Matches unless {@code resilient-rpc.ordering.store} is {@code in-memory}, in any of
	 * the spellings the property binder accepts.
	 */
	static class StoreNotInMemoryCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			OrderingProperties.Store store = Binder.get(context.getEnvironment())
				.bind("resilient-rpc.ordering.store", OrderingProperties.Store.class)
				.orElse(OrderingProperties.Store.AUTO);
			ConditionMessage.Builder message = ConditionMessage.forCondition("Ordering store");
			if (store == OrderingProperties.Store.IN_MEMORY) {
				return ConditionOutcome.noMatch(message.because("is in-memory"));
			}
			return ConditionOutcome.match(message.because("is " + store));
		}

	}

}
