package dev.resilientrpc.retry.autoconfigure;

import java.time.Duration;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.autoconfigure.client.RpcClientAutoConfiguration;
import dev.resilientrpc.autoconfigure.retry.RetryAutoConfiguration;
import dev.resilientrpc.autoconfigure.retry.RpcBulkheadAutoConfiguration;
import dev.resilientrpc.autoconfigure.retry.RpcCircuitBreakerAutoConfiguration;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcClientProxyFactory;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.retry.BackoffKind;
import dev.resilientrpc.retry.BulkheadInterceptor;
import dev.resilientrpc.retry.CircuitBreakerInterceptor;
import dev.resilientrpc.retry.DeadlineInterceptor;
import dev.resilientrpc.retry.DeadlineServerInterceptor;
import dev.resilientrpc.retry.FallbackInterceptor;
import dev.resilientrpc.retry.RetryBudgets;
import dev.resilientrpc.retry.RetryInterceptor;
import dev.resilientrpc.retry.RetryPolicyCustomizer;
import dev.resilientrpc.retry.RpcMethodSettingsResolver;
import dev.resilientrpc.retry.RpcRetryPolicy;
import dev.resilientrpc.retry.autoconfigure.scanned.ScannedClients;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry, circuit breaker and bulkhead auto-configurations.
 */
class RetryAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RpcClientAutoConfiguration.class, RetryAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, BulkheadAutoConfiguration.class,
				RpcCircuitBreakerAutoConfiguration.class, RpcBulkheadAutoConfiguration.class));

	private static RpcRetryPolicy policy(AssertableApplicationContext context, String name) {
		return context.getBean(RpcMethodSettingsResolver.class).getPolicies().get(name);
	}

	private static Throwable rootCause(AssertableApplicationContext context) {
		Throwable failure = context.getStartupFailure();
		while (failure.getCause() != null) {
			failure = failure.getCause();
		}
		return failure;
	}

	@Test
	void theWholePipelineAppearsByDefaultInTheDocumentedOrder() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FallbackInterceptor.class)
				.hasSingleBean(DeadlineInterceptor.class)
				.hasSingleBean(BulkheadInterceptor.class)
				.hasSingleBean(RetryInterceptor.class)
				.hasSingleBean(CircuitBreakerInterceptor.class)
				.hasSingleBean(InstanceAvailability.class)
				.hasSingleBean(DeadlineServerInterceptor.class)
				.hasSingleBean(RetryBudgets.class);
			assertThat(context.getBean(RpcClient.class).getInterceptors()).extracting(ClientInterceptor::getOrder)
				.containsExactly(InterceptorOrder.Client.FALLBACK, InterceptorOrder.Client.DEADLINE,
						InterceptorOrder.Client.BULKHEAD, InterceptorOrder.Client.RETRY,
						InterceptorOrder.Client.INSTANCE_SELECTION, InterceptorOrder.Client.CIRCUIT_BREAKER);
			RpcRetryPolicy defaults = policy(context, RpcRetryPolicy.DEFAULT);
			assertThat(defaults.getMaxAttempts()).isEqualTo(3);
			assertThat(defaults.getBackoff()).isEqualTo(BackoffKind.EXPONENTIAL);
			assertThat(defaults.getTimeout()).isNull();
		});
	}

	@Test
	void whenRetryIsDisabledThenNoRetryBeanIsCreated() {
		this.runner.withPropertyValues("resilient-rpc.retry.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(RetryInterceptor.class)
				.doesNotHaveBean(DeadlineInterceptor.class)
				.doesNotHaveBean(FallbackInterceptor.class)
				.doesNotHaveBean(DeadlineServerInterceptor.class);
			assertThat(context).hasSingleBean(CircuitBreakerInterceptor.class);
		});
	}

	@Test
	void whenBreakersAndBulkheadsAreDisabledThenTheirInterceptorsAreNotCreated() {
		this.runner
			.withPropertyValues("resilient-rpc.circuit-breaker.enabled=false", "resilient-rpc.bulkhead.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreakerInterceptor.class)
				.doesNotHaveBean(InstanceAvailability.class)
				.doesNotHaveBean(BulkheadInterceptor.class)
				.hasSingleBean(RetryInterceptor.class));
	}

	@Test
	void withoutResilience4jRetriesStillWork() {
		this.runner.withClassLoader(new FilteredClassLoader(CircuitBreakerRegistry.class, BulkheadRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CircuitBreakerInterceptor.class)
				.doesNotHaveBean(BulkheadInterceptor.class)
				.hasSingleBean(RetryInterceptor.class));
	}

	@Test
	void backsOffWhenTheUserDefinesARetryInterceptor() {
		this.runner.withUserConfiguration(UserRetryInterceptor.class)
			.run((context) -> assertThat(context).hasSingleBean(RetryInterceptor.class)
				.getBean(RetryInterceptor.class)
				.isSameAs(context.getBean(UserRetryInterceptor.class).interceptor));
	}

	@Test
	void policyValuesComeFromDefaultThenBaseThenNamedThenCustomizer() {
		this.runner.withUserConfiguration(Customizer.class)
			.withPropertyValues("resilient-rpc.retry.policies.default.initial-delay=10ms",
					"resilient-rpc.retry.policies.default.max-delay=10s",
					"resilient-rpc.retry.policies.default.attempt-timeout=10s",
					"resilient-rpc.retry.policies.default.timeout=10s",
					"resilient-rpc.retry.policies.base.initial-delay=100ms",
					"resilient-rpc.retry.policies.base.max-delay=100s",
					"resilient-rpc.retry.policies.base.attempt-timeout=100s",
					"resilient-rpc.retry.policies.named.base-policy=base",
					"resilient-rpc.retry.policies.named.initial-delay=1000ms",
					"resilient-rpc.retry.policies.named.max-delay=1000s",
					"resilient-rpc.retry.policies.customized.base-policy=named")
			.run((context) -> {
				RpcRetryPolicy named = policy(context, "named");
				assertThat(named.getInitialDelay()).as("named").isEqualTo(Duration.ofMillis(1000));
				assertThat(named.getMaxDelay()).as("named over base").isEqualTo(Duration.ofSeconds(1000));
				assertThat(named.getAttemptTimeout()).as("base over default").isEqualTo(Duration.ofSeconds(100));
				assertThat(named.getTimeout()).as("default").isEqualTo(Duration.ofSeconds(10));
				assertThat(named.getMultiplier()).as("built-in").isEqualTo(2.0);
				RpcRetryPolicy base = policy(context, "base");
				assertThat(base.getInitialDelay()).isEqualTo(Duration.ofMillis(100));
				assertThat(base.getTimeout()).isEqualTo(Duration.ofSeconds(10));
				RpcRetryPolicy customized = policy(context, "customized");
				assertThat(customized.getInitialDelay()).as("customizer over named")
					.isEqualTo(Duration.ofMillis(10000));
				assertThat(customized.getMaxDelay()).as("inherited from named").isEqualTo(Duration.ofSeconds(1000));
			});
	}

	@Test
	void aMissingBasePolicyFailsTheStartupNamingIt() {
		this.runner.withPropertyValues("resilient-rpc.retry.policies.writes.base-policy=nowhere").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.retry.policies.writes.base-policy")
				.hasMessageContaining("no retry policy 'nowhere'");
		});
	}

	@Test
	void basePoliciesThatFormACycleFailTheStartup() {
		this.runner
			.withPropertyValues("resilient-rpc.retry.policies.a.base-policy=b",
					"resilient-rpc.retry.policies.b.base-policy=a")
			.run((context) -> assertThat(rootCause(context)).hasMessageContaining("cycle"));
	}

	@Test
	void aServiceNamingAMissingPolicyFailsTheStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("resilient-rpc.client.services.kv.instances=http://127.0.0.1:1",
					"resilient-rpc.client.services.kv.retry=writes")
			.run((context) -> assertThat(rootCause(context))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.client.services.kv.retry")
				.hasMessageContaining("no retry policy 'writes'"));
	}

	@Test
	void anAnnotationNamingAMissingPolicyFailsTheStartupNamingIt() {
		this.runner.withUserConfiguration(BadClientConfiguration.class)
			.withPropertyValues("resilient-rpc.client.services.kv.instances=http://127.0.0.1:1")
			.run((context) -> assertThat(rootCause(context)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("@ResilientRpc on BadClient.put(String)")
				.hasMessageContaining("retry policy 'writes'")
				.hasMessageContaining("resilient-rpc.retry.policies.writes"));
	}

	@Test
	void aScannedInterfaceNamingAMissingPolicyFailsTheStartupNamingIt() {
		this.runner.withUserConfiguration(ScannedClients.class)
			.withPropertyValues("resilient-rpc.client.services.kv.instances=http://127.0.0.1:1")
			.run((context) -> assertThat(rootCause(context)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("@ResilientRpc on ScannedClient.put(String)")
				.hasMessageContaining("retry policy 'writes'"));
		this.runner.withUserConfiguration(ScannedClients.class)
			.withPropertyValues("resilient-rpc.client.services.kv.instances=http://127.0.0.1:1",
					"resilient-rpc.retry.policies.writes.max-attempts=5")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void badPolicyValuesFailTheStartupNamingTheProperty() {
		assertFailsNaming("resilient-rpc.retry.policies.default.max-attempts=0",
				"resilient-rpc.retry.policies.default.max-attempts");
		assertFailsNaming("resilient-rpc.retry.policies.writes.delay=-1ms",
				"resilient-rpc.retry.policies.writes.delay");
		assertFailsNaming("resilient-rpc.retry.policies.writes.initial-delay=-5s",
				"resilient-rpc.retry.policies.writes.initial-delay");
		assertFailsNaming("resilient-rpc.retry.policies.writes.jitter=1.5",
				"resilient-rpc.retry.policies.writes.jitter");
		assertFailsNaming("resilient-rpc.retry.policies.writes.jitter=-0.1",
				"resilient-rpc.retry.policies.writes.jitter");
		assertFailsNaming("resilient-rpc.retry.policies.writes.multiplier=0.5",
				"resilient-rpc.retry.policies.writes.multiplier");
		assertFailsNaming("resilient-rpc.retry.policies.writes.timeout=0s",
				"resilient-rpc.retry.policies.writes.timeout");
		assertFailsNaming("resilient-rpc.retry.policies.writes.attempt-timeout=-1s",
				"resilient-rpc.retry.policies.writes.attempt-timeout");
		assertFailsNaming("resilient-rpc.retry.budget.max-tokens=0", "resilient-rpc.retry.budget.max-tokens");
		assertFailsNaming("resilient-rpc.retry.budget.services.kv.token-ratio=2",
				"resilient-rpc.retry.budget.services.kv.token-ratio");
	}

	@Test
	void aRandomBackoffWithMinDelayAboveMaxDelayFailsNamingMinDelay() {
		this.runner.withPropertyValues("resilient-rpc.retry.policies.writes.backoff=random",
				"resilient-rpc.retry.policies.writes.min-delay=5s", "resilient-rpc.retry.policies.default.max-delay=1s")
			.run((context) -> assertThat(rootCause(context))
				.hasMessageContaining("resilient-rpc.retry.policies.writes.min-delay")
				.hasMessageContaining("must not exceed max-delay"));
	}

	private void assertFailsNaming(String property, String name) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).as(property).hasFailed();
			assertThat(rootCause(context)).as(property)
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property " + name + " with value");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRetryInterceptor {

		final RetryInterceptor interceptor = new RetryInterceptor(
				RpcMethodSettingsResolver.of(java.util.Map.of(RpcRetryPolicy.DEFAULT,
						RpcRetryPolicy.builder(RpcRetryPolicy.DEFAULT).build())),
				new RetryBudgets((service) -> new dev.resilientrpc.retry.RetryBudget(1, 1)),
				dev.resilientrpc.retry.Sleeper.THREAD, dev.resilientrpc.retry.Ticker.SYSTEM,
				new dev.resilientrpc.retry.AttemptTimer(), dev.resilientrpc.retry.ResilienceListener.NONE);

		@Bean
		RetryInterceptor userRetryInterceptor() {
			return this.interceptor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizer {

		@Bean
		RetryPolicyCustomizer customizer() {
			return RetryPolicyCustomizer.of("customized", (builder) -> builder.initialDelay(Duration.ofMillis(10000)));
		}

	}

	@ResilientRpc(service = "kv")
	interface BadClient {

		@ResilientRpc(retry = "writes")
		void put(String key);

	}

	@Configuration(proxyBeanMethods = false)
	static class BadClientConfiguration {

		@Bean
		BadClient badClient(RpcClientProxyFactory factory) {
			return factory.create(BadClient.class);
		}

	}

}
