package dev.resilientrpc.autoconfigure.endpoint;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.autoconfigure.checkpoint.CheckpointAutoConfiguration;
import dev.resilientrpc.autoconfigure.checkpoint.CheckpointEndpointContributor;
import dev.resilientrpc.autoconfigure.client.RpcClientAutoConfiguration;
import dev.resilientrpc.autoconfigure.loadbalancer.LoadBalancerAutoConfiguration;
import dev.resilientrpc.autoconfigure.loadbalancer.LoadBalancerEndpointContributor;
import dev.resilientrpc.autoconfigure.ordering.OrderingAutoConfiguration;
import dev.resilientrpc.autoconfigure.ordering.OrderingEndpointContributor;
import dev.resilientrpc.autoconfigure.ordering.OrderingEndpointContributor.OrderingDescriptor;
import dev.resilientrpc.autoconfigure.ordering.OrderingEndpointContributor.Watermark;
import dev.resilientrpc.autoconfigure.retry.BulkheadEndpointContributor.BulkheadDescriptor;
import dev.resilientrpc.autoconfigure.retry.CircuitBreakerEndpointContributor.BreakerDescriptor;
import dev.resilientrpc.autoconfigure.retry.RetryAutoConfiguration;
import dev.resilientrpc.autoconfigure.retry.RetryBudgetEndpointContributor.BudgetDescriptor;
import dev.resilientrpc.autoconfigure.retry.RpcBulkheadAutoConfiguration;
import dev.resilientrpc.autoconfigure.retry.RpcCircuitBreakerAutoConfiguration;
import dev.resilientrpc.checkpoint.CheckpointStatus;
import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.ordering.OrderingStore;
import dev.resilientrpc.retry.BulkheadInterceptor;
import dev.resilientrpc.retry.InstanceCircuitBreakers;
import dev.resilientrpc.retry.RetryBudgets;
import dev.resilientrpc.server.RpcServiceRegistry;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ResilientRpcEndpoint} and the parts each capability contributes.
 */
class ResilientRpcEndpointTests {

	private static final ServiceInstance KV_1 = new ServiceInstance("kv", URI.create("http://127.0.0.1:8081/rpc"));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RpcClientAutoConfiguration.class, LoadBalancerAutoConfiguration.class,
				RetryAutoConfiguration.class, RpcCircuitBreakerAutoConfiguration.class,
				RpcBulkheadAutoConfiguration.class, CheckpointAutoConfiguration.class,
				ResilientRpcEndpointAutoConfiguration.class))
		.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
		.withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
		.withBean(BulkheadRegistry.class, BulkheadRegistry::ofDefaults)
		.withBean("state", CheckpointedMap.class, () -> new CheckpointedMap<>("state", String.class, String.class))
		.withPropertyValues("resilient-rpc.client.services.kv.instances=http://127.0.0.1:8081,http://127.0.0.1:8082",
				"management.endpoints.web.exposure.include=resilientrpc");

	@Test
	@SuppressWarnings("unchecked")
	void everyCapabilityContributesItsPartInOrder() {
		this.contextRunner.run((context) -> {
			used(context);
			Map<String, Object> parts = context.getBean(ResilientRpcEndpoint.class).describe();
			assertThat(parts).containsOnlyKeys("loadBalancer", "retryBudgets", "circuitBreakers", "bulkheads",
					"checkpoints");
			assertThat(parts.keySet()).containsExactly("loadBalancer", "retryBudgets", "circuitBreakers", "bulkheads",
					"checkpoints");
			assertThat(((Map<Object, Object>) parts.get("loadBalancer")).keySet()).containsOnly("kv");
			assertThat(((Map<Object, Object>) parts.get("checkpoints")).keySet()).containsOnly("state");
		});
	}

	@Test
	void oneServiceShowsWhatEachPartKnowsOfIt() {
		this.contextRunner.run((context) -> {
			used(context);
			ResilientRpcEndpoint endpoint = context.getBean(ResilientRpcEndpoint.class);
			Map<String, Object> kv = endpoint.service("kv");
			assertThat(kv).containsOnlyKeys("loadBalancer", "retryBudgets", "circuitBreakers", "bulkheads");
			assertThat(((BulkheadDescriptor) kv.get("bulkheads")).availableConcurrentCalls()).isEqualTo(25);
			BudgetDescriptor budget = (BudgetDescriptor) kv.get("retryBudgets");
			assertThat(budget.tokens()).isEqualTo(budget.maxTokens());
			@SuppressWarnings("unchecked")
			Map<String, BreakerDescriptor> breakers = (Map<String, BreakerDescriptor>) kv.get("circuitBreakers");
			assertThat(breakers).containsOnlyKeys("kv@127.0.0.1:8081");
			assertThat(breakers.get("kv@127.0.0.1:8081").state()).isEqualTo("CLOSED");
			assertThat(endpoint.service("nope")).isNull();
		});
	}

	@Test
	void theWriteOperationTakesACheckpointNow() {
		this.contextRunner.run((context) -> {
			ResilientRpcEndpoint endpoint = context.getBean(ResilientRpcEndpoint.class);
			long before = context.getBean(CheckpointEndpointContributor.class).describe().get("state").checkpoints();
			Object after = endpoint.act("checkpoints", "state");
			assertThat(after).isInstanceOf(CheckpointStatus.class);
			assertThat(((CheckpointStatus) after).checkpoints()).isEqualTo(before + 1);
		});
	}

	@Test
	void anActionNoPartTakesIsABadRequest() {
		this.contextRunner.run((context) -> {
			ResilientRpcEndpoint endpoint = context.getBean(ResilientRpcEndpoint.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.act("loadBalancer", "kv"));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.act("nothing", "kv"));
		});
	}

	@Test
	void aServerShowsItsOrderingStoreAndASampleOfWatermarks() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(OrderingAutoConfiguration.class))
			.withBean(RpcServiceRegistry.class, () -> RpcServiceRegistry.of(Map.of()))
			.run((context) -> {
				OrderingDescriptor ordering = (OrderingDescriptor) context.getBean(ResilientRpcEndpoint.class)
					.describe()
					.get("ordering");
				assertThat(ordering.store()).isEqualTo("InMemoryOrderingStore");
				assertThat(ordering.watermarks()).isEmpty();
			});
	}

	@Test
	void aClientOnlyApplicationHasNoOrderingPart() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(OrderingAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(ResilientRpcEndpoint.class).describe())
				.doesNotContainKey("ordering"));
	}

	@Test
	void watermarksAreShownWithTheirPhysicalTimeAndLogicalCounter() {
		OrderingStore store = mock(OrderingStore.class);
		long timestamp = (1_700_000_000_000L << 16) | 7;
		given(store.sampleHighWaterMarks(20)).willReturn(Map.of("account-1", timestamp));
		given(store.getWatermarkTtl()).willReturn(Duration.ofHours(1));

		OrderingDescriptor ordering = new OrderingEndpointContributor(store).describe();
		assertThat(ordering.watermarkTtl()).isEqualTo(Duration.ofHours(1));
		assertThat(ordering.watermarks()).containsOnlyKeys("account-1");
		Watermark watermark = ordering.watermarks().get("account-1");
		assertThat(watermark.timestamp()).isEqualTo(timestamp);
		assertThat(watermark.time()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
		assertThat(watermark.logical()).isEqualTo(7);
	}

	@Test
	void aContributorOfTheApplicationIsShownToo() {
		this.contextRunner.withBean(ResilientRpcEndpointContributor.class, () -> new ResilientRpcEndpointContributor() {

			@Override
			public String getName() {
				return "tenants";
			}

			@Override
			public Object describe() {
				return Map.of("acme", "active");
			}

		}).run((context) -> assertThat(context.getBean(ResilientRpcEndpoint.class).describe()).containsKey("tenants"));
	}

	@Test
	void endpointAndPartsAreNotCreatedUnlessExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(ResilientRpcEndpoint.class)
				.doesNotHaveBean(ResilientRpcEndpointContributor.class));
	}

	@Test
	void withoutActuatorThereIsNoEndpointAndTheRestStillWorks() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(DiscoveryClient.class.getPackageName(),
					"org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ResilientRpcEndpoint.class)
				.doesNotHaveBean(LoadBalancerEndpointContributor.class)
				.hasSingleBean(RetryBudgets.class));
	}

	private static void used(AssertableApplicationContext context) {
		// budgets and breakers are made on a service's first call
		context.getBean(RetryBudgets.class).forService("kv");
		context.getBean(InstanceCircuitBreakers.class).forInstance(KV_1);
		context.getBean(BulkheadInterceptor.class).forService("kv");
	}

}
