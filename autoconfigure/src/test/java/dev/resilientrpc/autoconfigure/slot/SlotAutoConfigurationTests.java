package dev.resilientrpc.autoconfigure.slot;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointAutoConfiguration;
import dev.resilientrpc.autoconfigure.slot.SlotEndpointContributor.HeldSlot;
import dev.resilientrpc.autoconfigure.slot.SlotEndpointContributor.SlotsDescriptor;
import dev.resilientrpc.autoconfigure.checkpoint.CheckpointAutoConfiguration;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.checkpoint.InMemoryCheckpointStore;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.slot.PartitionedState;
import dev.resilientrpc.slot.SlotLeases;
import dev.resilientrpc.slot.SlotRouter;
import dev.resilientrpc.slot.SlotTable;
import dev.resilientrpc.slot.SlotTables;
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
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SlotAutoConfiguration}. Contexts that get as far as starting hold slot
 * leases and heartbeats in a private redis-server, flushed before each test.
 */
class SlotAutoConfigurationTests {

	private static final String INSTANCES = "resilient-rpc.client.services.kv.instances="
			+ "http://127.0.0.1:8081,http://127.0.0.1:8082";

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CheckpointAutoConfiguration.class,
				SlotAutoConfiguration.class))
		.withPropertyValues(redis.springPropertyValues())
		.withPropertyValues("server.port=8081", INSTANCES);

	private final ApplicationContextRunner kvRunner = this.contextRunner
		.withUserConfiguration(KvStateConfiguration.class)
		.withPropertyValues("resilient-rpc.slots.count=8");

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
	void withAPartitionedStateRedisAndCheckpointsTheSlotTableAndRouterAppear() {
		this.kvRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(SlotTables.class)
				.hasSingleBean(SlotRouter.class)
				.hasSingleBean(SlotLeases.class)
				.hasSingleBean(SlotLifecycle.class);
			assertThat(context.getBean(SlotRouter.class).getOrder()).isEqualTo(InterceptorOrder.Server.ROUTING);
			SlotTable<?> table = context.getBean(SlotTables.class).find("kv");
			assertThat(table).isNotNull();
			assertThat(table.getNodeId()).isEqualTo("http://127.0.0.1:8081");
			assertThat(table.getSelfUri()).isEqualTo("http://127.0.0.1:8081/rpc");
			assertThat(table.getSlotCount()).isEqualTo(8);
		});
	}

	@Test
	void theSlotCountDefaultsToSixtyFour() {
		this.contextRunner.withUserConfiguration(KvStateConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SlotTables.class).find("kv").getSlotCount()).isEqualTo(64);
		});
	}

	@Test
	void theNodeHeartbeatsAndTakesTheFreeSlotsOnceItsPeersHadTheirChance() {
		this.kvRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			SlotTable<?> table = context.getBean(SlotTables.class).find("kv");
			// its peer on 8082 never starts: after the startup grace, every free slot is
			// this node's
			await().atMost(Duration.ofSeconds(30))
				.until(() -> table.getSlots().stream().allMatch(SlotTable.SlotStatus::heldHere));
			assertThat(hash("resilient-rpc:{kv}:members")).containsKey("http://127.0.0.1:8081");
			assertThat(hash("resilient-rpc:{kv/0003}:owner")).containsEntry("node", "http://127.0.0.1:8081");
		});
	}

	@Test
	void theResilientRpcEndpointShowsTheSlotsHeldHereAndCheckpointsThemOnRequest() {
		this.kvRunner.withConfiguration(AutoConfigurations.of(ResilientRpcEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=resilientrpc")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(SlotEndpointContributor.class);
				SlotTable<?> table = context.getBean(SlotTables.class).find("kv");
				await().atMost(Duration.ofSeconds(30))
					.until(() -> table.getSlots().stream().allMatch(SlotTable.SlotStatus::heldHere));
				ResilientRpcEndpoint endpoint = context.getBean(ResilientRpcEndpoint.class);
				SlotsDescriptor kv = (SlotsDescriptor) endpoint.service("kv").get("slots");
				assertThat(kv.nodeId()).isEqualTo("http://127.0.0.1:8081");
				assertThat(kv.slotCount()).isEqualTo(8);
				assertThat(kv.held()).extracting(HeldSlot::slot).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
				assertThat(kv.held()).allSatisfy((slot) -> assertThat(slot.epoch()).isPositive());
				assertThat(kv.holders()).containsEntry("http://127.0.0.1:8081", 8);
				assertThat(kv.takes()).isEqualTo(8);
				assertThat((List<?>) endpoint.act("slots", "kv")).hasSize(8);
			});
	}

	@Test
	void leavingReleasesTheSlotsAndRemovesTheHeartbeat() {
		this.kvRunner.run((context) -> {
			SlotTable<?> table = context.getBean(SlotTables.class).find("kv");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> table.getSlots().stream().allMatch(SlotTable.SlotStatus::heldHere));
			context.close();
			assertThat(hash("resilient-rpc:{kv}:members")).doesNotContainKey("http://127.0.0.1:8081");
			assertThat(hash("resilient-rpc:{kv/0003}:owner")).containsKey("rel");
			assertThat(table.getSlots()).noneMatch(SlotTable.SlotStatus::heldHere);
		});
	}

	@Test
	void withoutAPartitionedStateThereAreNoSlots() {
		this.contextRunner
			.withBean("kvState", CheckpointedMap.class, () -> new CheckpointedMap<>("kv", String.class, String.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CheckpointManager.class);
				assertNoSlots(context);
			});
	}

	@Test
	void whenSlotsAreDisabledThereAreNoSlotsAndStartupFailsNamingTheSwitch() {
		this.kvRunner.withPropertyValues("resilient-rpc.slots.enabled=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("PartitionedState 'kv'")
				.hasMessageContaining("resilient-rpc.slots.enabled");
		});
	}

	@Test
	void withoutARedisConnectionFactoryStartupFailsSayingThatSlotsNeedRedis() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CheckpointAutoConfiguration.class, SlotAutoConfiguration.class))
			.withPropertyValues("server.port=8081", INSTANCES)
			.withUserConfiguration(KvStateConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("PartitionedState 'kv'")
					.hasMessageContaining("Redis");
			});
	}

	@Test
	void withoutSpringDataRedisOnTheClasspathStartupFailsSayingThatSlotsNeedRedis() {
		this.kvRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("PartitionedState 'kv'")
				.hasMessageContaining("spring-boot-starter-data-redis");
		});
	}

	@Test
	void backsOffWhenUserDefinesSlotLeasesAndTheHeartbeatGoesThroughThem() {
		this.kvRunner.withUserConfiguration(UserLeasesConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SlotLeases.class).hasBean("userLeases").doesNotHaveBean("rpcSlotLeases");
			assertThat(hash("custom:{kv}:members")).containsKey("http://127.0.0.1:8081");
			assertThat(hash("resilient-rpc:{kv}:members")).isEmpty();
		});
	}

	@Test
	void theRedisKeyPrefixPropertyNamesTheKeys() {
		this.kvRunner.withPropertyValues("resilient-rpc.redis.key-prefix=shop").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(hash("shop:{kv}:members")).containsKey("http://127.0.0.1:8081");
		});
	}

	@Test
	void aForwardingSslBundleThatDoesNotExistFailsNamingTheProperty() {
		this.kvRunner.withPropertyValues("resilient-rpc.slots.ssl.bundle=missing")
			.run((context) -> assertFailure(context, "resilient-rpc.slots.ssl.bundle",
					"SSL bundles are not configured"));
	}

	@Test
	void forwardingDefaultsToTheServicesSslBundle() {
		this.kvRunner
			.withPropertyValues(
					"resilient-rpc.client.services.kv.instances=https://127.0.0.1:8081,https://127.0.0.1:8082",
					"resilient-rpc.client.services.kv.ssl.bundle=missing")
			.run((context) -> assertFailure(context, "resilient-rpc.client.services.kv.ssl.bundle",
					"SSL bundles are not configured"));
	}

	@Test
	void aRedisKeyPrefixWithABraceFailsNamingTheProperty() {
		this.kvRunner.withPropertyValues("resilient-rpc.redis.key-prefix=a{b")
			.run((context) -> assertFailure(context, "resilient-rpc.redis.key-prefix", "no '{' or '}'"));
	}

	@Test
	void aConfiguredInstanceChoosesThisNodesEntryWithoutAServerPort() {
		this.kvRunner.withPropertyValues("server.port=", "resilient-rpc.slots.instance=http://127.0.0.1:8082")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SlotTables.class).find("kv").getNodeId()).isEqualTo("http://127.0.0.1:8082");
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
				assertThat(context.getBean(SlotTables.class).find("kv").getNodeId()).isEqualTo("http://127.0.0.1:8081");
			});
	}

	@Test
	void withoutInstancesOfTheServiceTheNodeHoldsEverySlotAloneUnderAnIdentityOfItsOwn() {
		this.kvRunner.withPropertyValues("resilient-rpc.client.services.kv.instances=", "server.port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SlotTable<?> table = context.getBean(SlotTables.class).find("kv");
				assertThat(table.getNodeId()).startsWith("http://standalone-");
				await().atMost(Duration.ofSeconds(30))
					.until(() -> table.getSlots().stream().allMatch(SlotTable.SlotStatus::heldHere));
			});
	}

	@Test
	void aLeaseRefreshAboveHalfTheLeaseTimeFailsNamingTheProperty() {
		this.kvRunner
			.withPropertyValues("resilient-rpc.slots.lease-time=2s", "resilient-rpc.slots.lease-refresh=1100ms")
			.run((context) -> assertFailure(context, "resilient-rpc.slots.lease-refresh",
					"must be at most half of resilient-rpc.slots.lease-time"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "lease-time=0s", "lease-refresh=-1s", "retry-after=0ms", "route-wait=-5s",
			"handoff-timeout=0s", "connect-timeout=0s" })
	void aNonPositiveDurationFailsNamingTheProperty(String setting) {
		String property = "resilient-rpc.slots." + setting.substring(0, setting.indexOf('='));
		this.kvRunner.withPropertyValues("resilient-rpc.slots." + setting)
			.run((context) -> assertFailure(context, property, "must be > 0"));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, 16385 })
	void aSlotCountOutOfRangeFailsNamingTheProperty(int count) {
		this.kvRunner.withPropertyValues("resilient-rpc.slots.count=" + count)
			.run((context) -> assertFailure(context, "resilient-rpc.slots.count", "must be between 1 and 16384"));
	}

	@Test
	void anInstanceNotInTheInstanceListFailsNamingTheProperty() {
		this.kvRunner.withPropertyValues("resilient-rpc.slots.instance=http://127.0.0.1:9999")
			.run((context) -> assertFailure(context, "resilient-rpc.slots.instance",
					"is not among the instances of service 'kv'"));
	}

	@Test
	void withoutAFixedServerPortNorAnInstanceStartupFailsNamingTheInstanceProperty() {
		this.kvRunner.withPropertyValues("server.port=0")
			.run((context) -> assertFailure(context, "resilient-rpc.slots.instance", "server.port is not fixed"));
	}

	@Test
	void aServerPortMatchingNoLocalEntryFailsNamingTheInstanceProperty() {
		this.kvRunner.withPropertyValues("server.port=8083")
			.run((context) -> assertFailure(context, "resilient-rpc.slots.instance", "no instances of service 'kv'"));
	}

	@Test
	void twoLocalEntriesWithTheServerPortFailNamingTheInstanceProperty() {
		this.kvRunner
			.withPropertyValues(
					"resilient-rpc.client.services.kv.instances=http://127.0.0.1:8081,http://localhost:8081")
			.run((context) -> assertFailure(context, "resilient-rpc.slots.instance", "2 instances of service 'kv'"));
	}

	private java.util.Map<Object, Object> hash(String key) {
		return new StringRedisTemplate(this.connectionFactory).opsForHash().entries(key);
	}

	private static void assertNoSlots(AssertableApplicationContext context) {
		assertThat(context).doesNotHaveBean(SlotTables.class)
			.doesNotHaveBean(SlotRouter.class)
			.doesNotHaveBean(SlotLeases.class)
			.doesNotHaveBean(SlotLifecycle.class);
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
	static class UserLeasesConfiguration {

		@Bean
		SlotLeases userLeases(RedisConnectionFactory connectionFactory) {
			return new SlotLeases(connectionFactory, "custom");
		}

	}

}
