package dev.resilientrpc.autoconfigure.checkpoint;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.annotation.Mutating;
import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.autoconfigure.server.RpcServerAutoConfiguration;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointMetrics;
import dev.resilientrpc.checkpoint.CheckpointStore;
import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.checkpoint.Durability;
import dev.resilientrpc.checkpoint.InMemoryCheckpointStore;
import dev.resilientrpc.checkpoint.MutatingCallInterceptor;
import dev.resilientrpc.checkpoint.RedisCheckpointStore;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link CheckpointAutoConfiguration}. No context here touches Redis: stores
 * are created but no checkpointable is restored against a real server.
 */
class CheckpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CheckpointAutoConfiguration.class));

	@Test
	void withoutRedisTheInMemoryStoreIsUsed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryCheckpointStore.class);
			assertThat(context).hasSingleBean(CheckpointManager.class);
			assertThat(context).hasSingleBean(MutatingCallInterceptor.class);
			assertThat(context).hasSingleBean(CheckpointLifecycle.class);
		});
	}

	@Test
	void withARedisConnectionFactoryTheRedisStoreIsUsed() {
		this.contextRunner.withBean(RedisConnectionFactory.class, () -> mock(LettuceConnectionFactory.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisCheckpointStore.class);
				assertThat(context).doesNotHaveBean(InMemoryCheckpointStore.class);
			});
	}

	@Test
	void withoutSpringDataRedisOnTheClasspathTheInMemoryStoreIsUsed() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(context).hasSingleBean(InMemoryCheckpointStore.class));
	}

	@Test
	void backsOffWhenUserDefinesCheckpointStore() {
		this.contextRunner.withBean(RedisConnectionFactory.class, () -> mock(LettuceConnectionFactory.class))
			.withBean("myStore", CheckpointStore.class, InMemoryCheckpointStore::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(CheckpointStore.class);
				assertThat(context).hasBean("myStore");
			});
	}

	@Test
	void whenCheckpointIsDisabledThenNothingIsCreated() {
		this.contextRunner.withPropertyValues("resilient-rpc.checkpoint.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(CheckpointManager.class);
			assertThat(context).doesNotHaveBean(MutatingCallInterceptor.class);
			assertThat(context).doesNotHaveBean(CheckpointStore.class);
		});
	}

	@Test
	void checkpointableBeansAreFoundAndRestoredOnStart() {
		this.contextRunner
			.withBean("state", CheckpointedMap.class, () -> new CheckpointedMap<>("state", String.class, String.class))
			.run((context) -> {
				CheckpointManager manager = context.getBean(CheckpointManager.class);
				assertThat(manager.getCheckpointNames()).containsExactly("state");
				assertThat(manager.getStatus("state").epoch()).isEqualTo(1);
			});
	}

	@Test
	void propertiesConfigureTheManager() {
		this.contextRunner
			.withPropertyValues("resilient-rpc.checkpoint.durability=async", "resilient-rpc.checkpoint.node-id=n1")
			.withBean("state", CheckpointedMap.class, () -> new CheckpointedMap<>("state", String.class, String.class))
			.run((context) -> {
				CheckpointManager manager = context.getBean(CheckpointManager.class);
				assertThat(manager.getDurability()).isEqualTo(Durability.ASYNC);
				assertThat(manager.getStatus("state").storeName()).isEqualTo("n1/state");
			});
	}

	@Test
	void theNodeIdDefaultsToApplicationNameAndFixedPort() {
		CheckpointProperties properties = new CheckpointProperties();
		assertThat(CheckpointAutoConfiguration.nodeId(properties, new MockEnvironment())).isEqualTo("application");
		assertThat(CheckpointAutoConfiguration.nodeId(properties,
				new MockEnvironment().withProperty("spring.application.name", "kv store")
					.withProperty("server.port", "8081")))
			.isEqualTo("kv-store-8081");
		assertThat(CheckpointAutoConfiguration.nodeId(properties,
				new MockEnvironment().withProperty("spring.application.name", "kv").withProperty("server.port", "0")))
			.isEqualTo("kv");
	}

	@Test
	void aNonPositiveIntervalFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("resilient-rpc.checkpoint.interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.checkpoint.interval");
		});
	}

	@Test
	void aChunkSizeLargerThanARedisValueFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("resilient-rpc.checkpoint.chunk-size=1GB").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("resilient-rpc.checkpoint.chunk-size");
		});
	}

	@Test
	void keepBelowOneFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("resilient-rpc.checkpoint.keep=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("resilient-rpc.checkpoint.keep");
		});
	}

	@Test
	void anUnknownDurabilityFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("resilient-rpc.checkpoint.durability=eventually").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("resilient-rpc.checkpoint.durability");
		});
	}

	@Test
	void twoCheckpointablesWithTheSameNameFailStartup() {
		this.contextRunner
			.withBean("a", CheckpointedMap.class, () -> new CheckpointedMap<>("same", String.class, String.class))
			.withBean("b", CheckpointedMap.class, () -> new CheckpointedMap<>("same", String.class, String.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("Two checkpointables are named 'same'");
			});
	}

	@Test
	void metricsAreBoundWhenMicrometerIsPresent() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(CheckpointMetrics.class));
	}

	@Test
	void healthIndicatorAndEndpointExistWhenActuatorIsPresent() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=resilientrpc")
			.run((context) -> {
				assertThat(context).hasSingleBean(CheckpointHealthIndicator.class);
				assertThat(context).hasSingleBean(CheckpointEndpointContributor.class);
			});
	}

	@Test
	void withoutActuatorThereIsNoHealthIndicatorNorEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=resilientrpc")
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(CheckpointHealthIndicator.class);
				assertThat(context).doesNotHaveBean(CheckpointEndpointContributor.class);
			});
	}

	@Test
	void aMutatingMethodWithoutCheckpointableFailsStartup() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RpcServerAutoConfiguration.class, CheckpointAutoConfiguration.class))
			.withUserConfiguration(OrphanServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("@Mutating method orphan.change changes checkpoint 'orphan'");
			});
	}

	@Test
	void mutatingMethodsOfACheckpointedServiceAreLogged() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RpcServerAutoConfiguration.class, CheckpointAutoConfiguration.class))
			.withUserConfiguration(OrphanServiceConfiguration.class)
			.withBean("orphanState", Checkpointable.class, () -> new EmptyState("orphan"))
			.run((context) -> assertThat(context.getBean(MutatingCallInterceptor.class).getLoggedMethods())
				.containsExactly(Map.entry("orphan.change", "orphan")));
	}

	/**
	 * An API with a mutating method.
	 */
	public interface OrphanApi {

		@Mutating
		void change(String value);

		List<String> read();

	}

	@RpcService("orphan")
	static class OrphanService implements OrphanApi {

		@Override
		public void change(String value) {
		}

		@Override
		public List<String> read() {
			return List.of();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrphanServiceConfiguration {

		@Bean
		OrphanService orphanService() {
			return new OrphanService();
		}

	}

	record EmptyState(String name) implements Checkpointable {

		@Override
		public String getCheckpointName() {
			return this.name;
		}

		@Override
		public Snapshot snapshot() {
			return (out) -> {
			};
		}

		@Override
		public void restore(InputStream in) {
		}

	}

}
