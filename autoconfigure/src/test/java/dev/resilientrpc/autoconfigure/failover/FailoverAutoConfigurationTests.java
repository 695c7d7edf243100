package dev.resilientrpc.autoconfigure.failover;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.autoconfigure.checkpoint.CheckpointAutoConfiguration;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.checkpoint.InMemoryCheckpointStore;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.failover.FailoverServerInterceptor;
import dev.resilientrpc.failover.PartitionLeases;
import dev.resilientrpc.failover.PartitionedState;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FailoverAutoConfiguration}. Contexts that get as far as starting write
 * checkpoints and leases to a private redis-server, flushed before each test.
 */
class FailoverAutoConfigurationTests {

	private static final String INSTANCES = "resilient-rpc.client.services.kv.instances="
			+ "http://127.0.0.1:8081,http://127.0.0.1:8082";

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CheckpointAutoConfiguration.class,
				FailoverAutoConfiguration.class))
		.withPropertyValues(redis.springPropertyValues())
		.withPropertyValues("server.port=8081", INSTANCES);

	private final ApplicationContextRunner kvRunner = this.contextRunner
		.withUserConfiguration(KvStateConfiguration.class);

	private LettuceConnectionFactory connectionFactory;

	@BeforeEach
	void flushRedis() {
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.serverCommands().flushAll();
		}
	}

	@AfterEach
	void disconnect() {
		this.connectionFactory.destroy();
	}

	@Test
	void withAPartitionedStateRedisAndCheckpointsTheFailoverInterceptorAppears() {
		this.kvRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(FailoverServerInterceptor.class)
				.hasSingleBean(PartitionLeases.class)
				.hasSingleBean(FailoverMembership.class)
				.hasSingleBean(FailoverLifecycle.class);
			assertThat(context.getBean(FailoverServerInterceptor.class).getOrder())
				.isEqualTo(InterceptorOrder.Server.FAILOVER);
			FailoverMembership membership = context.getBean(FailoverMembership.class);
			assertThat(membership.nodeId()).isEqualTo("127.0.0.1:8081");
			assertThat(membership.services()).singleElement()
				.satisfies((service) -> assertThat(service.ring().getSelf().endpoint())
					.isEqualTo(URI.create("http://127.0.0.1:8081/rpc")));
		});
	}

	@Test
	void theCheckpointNodeIdIsDerivedFromThisNodesEntryAndItsLeaseIsHeldInRedis() {
		this.kvRunner.run((context) -> {
			CheckpointManager manager = context.getBean(CheckpointManager.class);
			assertThat(manager.getStatus("kv").storeName()).isEqualTo("127.0.0.1:8081/kv");
			assertThat(lease("rrpc", "127.0.0.1:8081/kv")).startsWith("127.0.0.1:8081/");
		});
	}

	@Test
	void theLeaseIsReleasedWhenTheContextCloses() {
		this.kvRunner.run((context) -> {
			assertThat(lease("rrpc", "127.0.0.1:8081/kv")).isNotNull();
			context.close();
			assertThat(lease("rrpc", "127.0.0.1:8081/kv")).isNull();
		});
	}

	@Test
	void withoutAPartitionedStateThereIsNoFailover() {
		this.contextRunner
			.withBean("kvState", CheckpointedMap.class, () -> new CheckpointedMap<>("kv", String.class, String.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CheckpointManager.class);
				assertNoFailover(context);
				assertThat(context.getBean(CheckpointManager.class).getStatus("kv").storeName())
					.isEqualTo("application-8081/kv");
			});
	}

	@Test
	void whenFailoverIsDisabledThereIsNoFailover() {
		this.kvRunner.withPropertyValues("resilient-rpc.failover.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(CheckpointManager.class);
			assertNoFailover(context);
			assertThat(context.getBean(CheckpointManager.class).getStatus("kv").storeName())
				.isEqualTo("application-8081/kv");
		});
	}

	@Test
	void withoutARedisConnectionFactoryThereIsNoFailover() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(CheckpointAutoConfiguration.class, FailoverAutoConfiguration.class))
			.withPropertyValues("server.port=8081", INSTANCES)
			.withUserConfiguration(KvStateConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(InMemoryCheckpointStore.class);
				assertNoFailover(context);
			});
	}

	@Test
	void withoutSpringDataRedisOnTheClasspathThereIsNoFailover() {
		this.kvRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis")).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(CheckpointManager.class);
			assertNoFailover(context);
		});
	}

	@Test
	void whenCheckpointsAreDisabledThereIsNoFailover() {
		this.kvRunner.withPropertyValues("resilient-rpc.checkpoint.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(CheckpointManager.class);
			assertNoFailover(context);
		});
	}

	@Test
	void backsOffWhenUserDefinesAFailoverServerInterceptor() {
		this.kvRunner.withUserConfiguration(UserInterceptorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(FailoverServerInterceptor.class)
				.hasBean("userFailoverInterceptor")
				.doesNotHaveBean("rpcFailoverServerInterceptor");
		});
	}

	@Test
	void backsOffWhenUserDefinesPartitionLeasesAndTheLeaseGoesThroughThem() {
		this.kvRunner.withUserConfiguration(UserLeasesConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PartitionLeases.class)
				.hasBean("userLeases")
				.doesNotHaveBean("rpcPartitionLeases");
			assertThat(lease("custom", "127.0.0.1:8081/kv")).isNotNull();
			assertThat(lease("rrpc", "127.0.0.1:8081/kv")).isNull();
		});
	}

	@Test
	void aConfiguredInstanceChoosesThisNodesEntryWithoutAServerPort() {
		this.kvRunner.withPropertyValues("server.port=", "resilient-rpc.failover.instance=http://127.0.0.1:8082")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(FailoverMembership.class).nodeId()).isEqualTo("127.0.0.1:8082");
				assertThat(context.getBean(CheckpointManager.class).getStatus("kv").storeName())
					.isEqualTo("127.0.0.1:8082/kv");
			});
	}

	@Test
	void aServiceInstanceSupplierBeanListsTheInstancesInsteadOfTheProperties() {
		this.kvRunner.withPropertyValues("resilient-rpc.client.services.kv.instances=")
			.withBean("discovery", ServiceInstanceSupplier.class,
					() -> (service) -> List.of(new ServiceInstance(service, URI.create("http://127.0.0.1:8090/rpc")),
							new ServiceInstance(service, URI.create("http://127.0.0.1:8081/rpc"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(FailoverMembership.class).nodeId()).isEqualTo("127.0.0.1:8081");
				assertThat(context.getBean(FailoverMembership.class).services()).singleElement()
					.satisfies((service) -> assertThat(service.ring().ring().size()).isEqualTo(2));
			});
	}

	@Test
	void withoutInstancesOfTheServiceNothingFailsOverAndTheNodeIdIsNotDerived() {
		this.kvRunner.withPropertyValues("resilient-rpc.client.services.kv.instances=").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(FailoverServerInterceptor.class);
			FailoverMembership membership = context.getBean(FailoverMembership.class);
			assertThat(membership.services()).isEmpty();
			assertThat(membership.nodeId()).isNull();
			assertThat(context.getBean(CheckpointManager.class).getStatus("kv").storeName())
				.isEqualTo("application-8081/kv");
		});
	}

	@Test
	void leaseRefreshNotBelowLeaseTimeFailsNamingTheProperty() {
		this.kvRunner
			.withPropertyValues("resilient-rpc.failover.lease-time=2s", "resilient-rpc.failover.lease-refresh=2s")
			.run((context) -> assertFailure(context, "resilient-rpc.failover.lease-refresh",
					"must be shorter than resilient-rpc.failover.lease-time"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "lease-time=0s", "lease-refresh=-1s", "retry-after=0ms", "lock-timeout=-5s" })
	void aNonPositiveDurationFailsNamingTheProperty(String setting) {
		String property = "resilient-rpc.failover." + setting.substring(0, setting.indexOf('='));
		this.kvRunner.withPropertyValues("resilient-rpc.failover." + setting)
			.run((context) -> assertFailure(context, property, "must be > 0"));
	}

	@Test
	void anInstanceNotInTheInstanceListFailsNamingTheProperty() {
		this.kvRunner.withPropertyValues("resilient-rpc.failover.instance=http://127.0.0.1:9999")
			.run((context) -> assertFailure(context, "resilient-rpc.failover.instance",
					"is not among the instances of service 'kv'"));
	}

	@Test
	void withoutAFixedServerPortNorAnInstanceStartupFailsNamingTheInstanceProperty() {
		this.kvRunner.withPropertyValues("server.port=0")
			.run((context) -> assertFailure(context, "resilient-rpc.failover.instance", "server.port is not fixed"));
	}

	@Test
	void aServerPortMatchingNoLocalEntryFailsNamingTheInstanceProperty() {
		this.kvRunner.withPropertyValues("server.port=8083")
			.run((context) -> assertFailure(context, "resilient-rpc.failover.instance",
					"no instances of service 'kv'"));
	}

	@Test
	void twoLocalEntriesWithTheServerPortFailNamingTheInstanceProperty() {
		this.kvRunner
			.withPropertyValues(
					"resilient-rpc.client.services.kv.instances=http://127.0.0.1:8081,http://localhost:8081")
			.run((context) -> assertFailure(context, "resilient-rpc.failover.instance", "2 instances of service 'kv'"));
	}

	@Test
	void aConfiguredCheckpointNodeIdThatDiffersFromTheDerivedOneFailsNamingTheProperty() {
		this.kvRunner.withPropertyValues("resilient-rpc.checkpoint.node-id=node-1")
			.run((context) -> assertFailure(context, "resilient-rpc.checkpoint.node-id",
					"must be unset or '127.0.0.1:8081'"));
	}

	@Test
	void aConfiguredCheckpointNodeIdEqualToTheDerivedOneIsAccepted() {
		this.kvRunner.withPropertyValues("resilient-rpc.checkpoint.node-id=127.0.0.1:8081").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(CheckpointManager.class).getStatus("kv").storeName())
				.isEqualTo("127.0.0.1:8081/kv");
		});
	}

	private String lease(String keyPrefix, String storeName) {
		StringRedisTemplate template = new StringRedisTemplate(this.connectionFactory);
		return template.opsForValue().get(keyPrefix + ":{" + storeName + "}:lease");
	}

	private static void assertNoFailover(AssertableApplicationContext context) {
		assertThat(context).doesNotHaveBean(FailoverServerInterceptor.class)
			.doesNotHaveBean(FailoverMembership.class)
			.doesNotHaveBean(PartitionLeases.class)
			.doesNotHaveBean(FailoverLifecycle.class);
	}

	private static void assertFailure(AssertableApplicationContext context, String property, String reason) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.hasMessageContaining("Property " + property + " with value")
			.hasMessageContaining(reason);
	}

	@Configuration(proxyBeanMethods = false)
	static class KvStateConfiguration {

		@Bean
		PartitionedState<CheckpointedMap<String, String>> kvState() {
			return new PartitionedState<>(() -> new CheckpointedMap<>("kv", String.class, String.class));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserInterceptorConfiguration {

		@Bean
		FailoverServerInterceptor userFailoverInterceptor(RedisConnectionFactory connectionFactory) {
			return new FailoverServerInterceptor(List.of(), new InMemoryCheckpointStore(),
					new PartitionLeases(connectionFactory, "rrpc"), JsonMapper.builder().build(), () -> {
						throw new UnsupportedOperationException();
					}, new FailoverServerInterceptor.Options(Duration.ofSeconds(1), Duration.ofSeconds(1), 10, 0,
							Duration.ofSeconds(1), Duration.ofSeconds(3)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserLeasesConfiguration {

		@Bean
		PartitionLeases userLeases(RedisConnectionFactory connectionFactory) {
			return new PartitionLeases(connectionFactory, "custom");
		}

	}

}
