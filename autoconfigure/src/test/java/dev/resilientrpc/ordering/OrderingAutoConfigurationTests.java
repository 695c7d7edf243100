package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.autoconfigure.ordering.MicrometerOrderingListener;
import dev.resilientrpc.autoconfigure.ordering.OrderingAutoConfiguration;
import dev.resilientrpc.autoconfigure.ordering.OrderingProperties;
import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.server.RpcServiceRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OrderingAutoConfiguration}.
 */
class OrderingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OrderingAutoConfiguration.class));

	private final ApplicationContextRunner serverRunner = this.contextRunner.withUserConfiguration(ServerConfig.class);

	@Test
	void clientOnlyApplicationGetsTheClockAndTheTimestampInterceptorOnly() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HybridLogicalClock.class);
			assertThat(context).hasSingleBean(TimestampClientInterceptor.class);
			assertThat(context).doesNotHaveBean(OrderingStore.class);
			assertThat(context).doesNotHaveBean(OrderingServerInterceptor.class);
			assertThat(context.getBean(TimestampClientInterceptor.class).getOrder())
				.isLessThan(InterceptorOrder.Client.RETRY);
		});
	}

	@Test
	void serverGetsTheThreeInterceptorsAtTheirOrdersOverAnInMemoryStoreWithoutRedis() {
		this.serverRunner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryOrderingStore.class);
			assertThat(context.getBean(ClockServerInterceptor.class).getOrder())
				.isEqualTo(InterceptorOrder.Server.CLOCK);
			assertThat(context.getBean(IdempotencyServerInterceptor.class).getOrder())
				.isEqualTo(InterceptorOrder.Server.IDEMPOTENCY);
			assertThat(context.getBean(OrderingServerInterceptor.class).getOrder())
				.isEqualTo(InterceptorOrder.Server.ORDERING);
		});
	}

	@Test
	void redisStoreIsTheDefaultWhenARedisConnectionFactoryExists() {
		this.serverRunner.withUserConfiguration(RedisConfig.class).run((context) -> {
			assertThat(context).hasSingleBean(RedisOrderingStore.class);
			assertThat(context).doesNotHaveBean(InMemoryOrderingStore.class);
		});
	}

	@Test
	void inMemoryStoreCanBeChosenDespiteRedis() {
		for (String spelling : new String[] { "in-memory", "IN_MEMORY", "inMemory" }) {
			this.serverRunner.withUserConfiguration(RedisConfig.class)
				.withPropertyValues("resilient-rpc.ordering.store=" + spelling)
				.run((context) -> assertThat(context).hasSingleBean(InMemoryOrderingStore.class));
		}
	}

	@Test
	void redisStoreWithoutRedisFailsNamingTheProperty() {
		this.serverRunner.withPropertyValues("resilient-rpc.ordering.store=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.ordering.store")
				.hasMessageContaining("no RedisConnectionFactory bean");
		});
	}

	@Test
	void withoutSpringDataRedisTheInMemoryStoreIsUsed() {
		this.serverRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(context).hasSingleBean(InMemoryOrderingStore.class));
	}

	@Test
	void userStoreBacksOffBothStores() {
		this.serverRunner.withUserConfiguration(RedisConfig.class)
			.withBean("myStore", OrderingStore.class,
					() -> new InMemoryOrderingStore(java.time.Clock.systemUTC(), Duration.ofMinutes(1),
							Duration.ofMinutes(1), 10))
			.run((context) -> {
				assertThat(context).hasSingleBean(OrderingStore.class);
				assertThat(context).hasBean("myStore");
			});
	}

	@Test
	void whenOrderingIsDisabledThenNothingIsCreated() {
		this.serverRunner.withPropertyValues("resilient-rpc.ordering.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(HybridLogicalClock.class);
			assertThat(context).doesNotHaveBean(TimestampClientInterceptor.class);
			assertThat(context).doesNotHaveBean(OrderingServerInterceptor.class);
			assertThat(context).doesNotHaveBean(OrderingStore.class);
		});
	}

	@Test
	void propertiesReachTheClock() {
		this.contextRunner.withPropertyValues("resilient-rpc.ordering.max-clock-skew=2s")
			.run((context) -> assertThat(context.getBean(HybridLogicalClock.class).getMaxSkewMillis()).isEqualTo(2000));
	}

	@Test
	void propertiesHaveTheDocumentedDefaults() {
		this.contextRunner.run((context) -> {
			OrderingProperties properties = context.getBean(OrderingProperties.class);
			assertThat(properties.getStalePolicy()).isEqualTo(StalePolicy.REJECT);
			assertThat(properties.getMaxClockSkew()).isEqualTo(Duration.ofMillis(500));
			assertThat(properties.getReorderWindow()).isZero();
			assertThat(properties.getIdempotency().getTtl()).isEqualTo(Duration.ofHours(24));
			assertThat(properties.isFailOpen()).isFalse();
			assertThat(properties.getStore()).isEqualTo(OrderingProperties.Store.AUTO);
		});
	}

	@Test
	void metricsAreRecordedWhenAMeterRegistryExists() {
		this.serverRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerOrderingListener.class));
	}

	@Test
	void withoutMicrometerThereAreNoMetrics() {
		this.serverRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(MicrometerOrderingListener.class);
		});
	}

	@Test
	void negativeClockSkewFailsNamingTheProperty() {
		assertFailure("resilient-rpc.ordering.max-clock-skew=-1s", "resilient-rpc.ordering.max-clock-skew");
	}

	@Test
	void reorderWindowNotShorterThanMaxWaitFails() {
		assertFailure("resilient-rpc.ordering.reorder-window=10s", "resilient-rpc.ordering.max-wait");
	}

	@Test
	void aRedisKeyPrefixWithBracesFailsWhenTheStoreIsRedis() {
		this.serverRunner.withUserConfiguration(RedisConfig.class)
			.withPropertyValues("resilient-rpc.ordering.store=redis", "resilient-rpc.redis.key-prefix=a{b}")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("resilient-rpc.redis.key-prefix");
			});
	}

	@Test
	void zeroMaxKeyLengthFails() {
		assertFailure("resilient-rpc.ordering.max-key-length=0", "resilient-rpc.ordering.max-key-length");
	}

	@Test
	void policyOfAServiceThatIsNotExportedFails() {
		assertFailure("resilient-rpc.ordering.services.ledgr.stale-policy=ignore",
				"resilient-rpc.ordering.services.ledgr");
	}

	@Test
	void policyOfAMethodThatIsNotExportedFails() {
		assertFailure("resilient-rpc.ordering.services.ledger.methods.apend.stale-policy=ignore",
				"resilient-rpc.ordering.services.ledger.methods.apend");
	}

	@Test
	void ignoreOnAMethodReturningAPrimitiveFails() {
		this.serverRunner.withPropertyValues("resilient-rpc.ordering.services.ledger.stale-policy=ignore")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("ledger.size (returns int)")
					.hasMessageContaining("Stale policy 'ignore'");
			});
	}

	@Test
	void ignorePolicyIsAcceptedOnMethodsThatCanReturnNull() {
		this.serverRunner
			.withPropertyValues("resilient-rpc.ordering.services.ledger.stale-policy=ignore",
					"resilient-rpc.ordering.services.ledger.methods.size.stale-policy=reject")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private void assertFailure(String property, String name) {
		this.serverRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(name);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ServerConfig {

		@Bean
		RpcServiceRegistry rpcServiceRegistry() {
			return RpcServiceRegistry.of(Map.of("ledger", new LedgerServer()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisConfig {

		@Bean
		RedisConnectionFactory redisConnectionFactory() {
			// never connected: creating the store does not touch Redis
			return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", TestPorts.closedPort()));
		}

	}

}
