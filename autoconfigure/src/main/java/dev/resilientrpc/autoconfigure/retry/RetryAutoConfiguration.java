package dev.resilientrpc.autoconfigure.retry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.autoconfigure.client.RpcClientAutoConfiguration;
import dev.resilientrpc.autoconfigure.client.RpcClientProperties;
import dev.resilientrpc.autoconfigure.client.RpcRequestFactoryBuilderCustomizer;
import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.autoconfigure.retry.RetryProperties.Budget;
import dev.resilientrpc.autoconfigure.retry.RetryProperties.ServiceBudget;
import dev.resilientrpc.retry.AttemptTimer;
import dev.resilientrpc.retry.DeadlineInterceptor;
import dev.resilientrpc.retry.DeadlineServerInterceptor;
import dev.resilientrpc.retry.FallbackInterceptor;
import dev.resilientrpc.retry.HttpComponentsAttemptTimeouts;
import dev.resilientrpc.retry.MicrometerResilienceListener;
import dev.resilientrpc.retry.ResilienceListener;
import dev.resilientrpc.retry.RetryBudget;
import dev.resilientrpc.retry.RetryBudgets;
import dev.resilientrpc.retry.RetryInterceptor;
import dev.resilientrpc.retry.RetryPolicyCustomizer;
import dev.resilientrpc.retry.RpcMethodSettingsResolver;
import dev.resilientrpc.retry.RpcRetryPolicy;
import dev.resilientrpc.retry.Sleeper;
import dev.resilientrpc.retry.Ticker;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of retries, retry budgets, deadlines and fallbacks of client calls
 * ({@code resilient-rpc.retry.*}), and of the server's deadline check. Interceptors join
 * the chains as beans; their order is fixed by
 * {@link dev.resilientrpc.protocol.InterceptorOrder}.
 *
 * <p>
 * The waits between attempts go through a {@link Sleeper} bean and deadlines are timed by
 * a {@link Ticker} bean when the application defines them (tests do), else through
 * {@link Thread#sleep(long)} and {@link System#nanoTime()}.
 */
@AutoConfiguration(after = RpcClientAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(RetryTemplate.class)
@ConditionalOnBooleanProperty(name = "resilient-rpc.retry.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RetryProperties.class)
@Import({ RetryAutoConfiguration.MicrometerConfiguration.class, RetryAutoConfiguration.NoMicrometerConfiguration.class,
		RetryAutoConfiguration.HttpComponentsConfiguration.class, RetryAutoConfiguration.EndpointConfiguration.class })
public final class RetryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "resilient-rpc.server.enabled", matchIfMissing = true)
	DeadlineServerInterceptor rpcDeadlineServerInterceptor(ObjectProvider<Ticker> ticker) {
		return new DeadlineServerInterceptor(ticker.getIfAvailable(() -> Ticker.SYSTEM));
	}

	@Bean
	@ConditionalOnMissingBean
	RpcMethodSettingsResolver rpcMethodSettingsResolver(RetryProperties properties,
			ObjectProvider<RpcClientProperties> clientProperties, ObjectProvider<RetryPolicyCustomizer> customizers,
			ListableBeanFactory beanFactory) {
		Map<String, RpcRetryPolicy> policies = RetryPolicies.build(properties.getPolicies(),
				customizers.orderedStream().toList());
		Map<String, RpcClientProperties.Service> services = services(clientProperties);
		services.forEach((name, service) -> {
			String policy = service.getRetry();
			if (policy != null && !policy.isBlank() && !policies.containsKey(policy)) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.client.services." + name + ".retry",
						policy, "no retry policy '" + policy + "' is defined under resilient-rpc.retry.policies");
			}
		});
		return new RpcMethodSettingsResolver(policies, (service) -> servicePolicy(services.get(service)),
				(service) -> services.containsKey(service) && services.get(service).isIdempotent(), (bean) -> {
					Class<?> type = beanFactory.containsBean(bean) ? beanFactory.getType(bean) : null;
					return type;
				}, beanFactory::getBean);
	}

	private static @Nullable String servicePolicy(RpcClientProperties.@Nullable Service service) {
		return (service != null && service.getRetry() != null && !service.getRetry().isBlank()) ? service.getRetry()
				: null;
	}

	private static Map<String, RpcClientProperties.Service> services(ObjectProvider<RpcClientProperties> properties) {
		RpcClientProperties client = properties.getIfAvailable();
		return (client != null) ? new LinkedHashMap<>(client.getServices()) : Map.of();
	}

	@Bean
	@ConditionalOnMissingBean
	RetryBudgets rpcRetryBudgets(RetryProperties properties) {
		Budget budget = properties.getBudget();
		check("resilient-rpc.retry.budget", budget.getMaxTokens(), budget.getTokenRatio());
		Map<String, RetryBudget> configured = new LinkedHashMap<>();
		budget.getServices().forEach((service, own) -> {
			int maxTokens = (own.getMaxTokens() != null) ? own.getMaxTokens() : budget.getMaxTokens();
			double tokenRatio = (own.getTokenRatio() != null) ? own.getTokenRatio() : budget.getTokenRatio();
			check("resilient-rpc.retry.budget.services." + service, maxTokens, tokenRatio);
			configured.put(service, new RetryBudget(maxTokens, tokenRatio));
		});
		return new RetryBudgets((service) -> {
			RetryBudget own = configured.get(service);
			return (own != null) ? own : new RetryBudget(budget.getMaxTokens(), budget.getTokenRatio());
		});
	}

	private static void check(String prefix, int maxTokens, double tokenRatio) {
		if (maxTokens < 1 || maxTokens > 1_000_000) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-tokens", maxTokens,
					"must be between 1 and 1000000");
		}
		if (!(tokenRatio > 0 && tokenRatio <= 1)) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".token-ratio", tokenRatio,
					"must be > 0 and <= 1");
		}
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	AttemptTimer rpcAttemptTimer() {
		return new AttemptTimer();
	}

	@Bean
	@ConditionalOnMissingBean
	DeadlineInterceptor rpcDeadlineInterceptor(RpcMethodSettingsResolver methods, ObjectProvider<Ticker> ticker) {
		return new DeadlineInterceptor(methods, ticker.getIfAvailable(() -> Ticker.SYSTEM));
	}

	@Bean
	@ConditionalOnMissingBean
	RetryInterceptor rpcRetryInterceptor(RpcMethodSettingsResolver methods, RetryBudgets budgets,
			ObjectProvider<Sleeper> sleeper, ObjectProvider<Ticker> ticker, AttemptTimer timer,
			ObjectProvider<ResilienceListener> listener) {
		return new RetryInterceptor(methods, budgets, sleeper.getIfAvailable(() -> Sleeper.THREAD),
				ticker.getIfAvailable(() -> Ticker.SYSTEM), timer,
				listener.getIfAvailable(() -> ResilienceListener.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	FallbackInterceptor rpcFallbackInterceptor(RpcMethodSettingsResolver methods) {
		return new FallbackInterceptor(methods);
	}

	/**
	 * Resolves the settings of every {@code @ResilientRpc} interface that is a bean once
	 * the context is up, so that a policy, timeout or fallback that does not exist fails
	 * the startup rather than the first call.
	 */
	@Bean
	static SmartInitializingSingleton rpcMethodSettingsValidator(ListableBeanFactory beanFactory,
			ObjectProvider<RpcMethodSettingsResolver> resolver) {
		return () -> {
			RpcMethodSettingsResolver methods = resolver.getIfAvailable();
			if (methods == null) {
				return;
			}
			for (String name : beanFactory.getBeanNamesForAnnotation(ResilientRpc.class)) {
				Class<?> type = beanFactory.getType(name, false);
				if (type == null) {
					continue;
				}
				// a factory bean reports the interface; a bean made otherwise is the
				// proxy itself
				for (Class<?> candidate : type.isInterface() ? List.of(type)
						: List.of(ClassUtils.getAllInterfacesForClass(type))) {
					if (AnnotatedElementUtils.hasAnnotation(candidate, ResilientRpc.class)) {
						methods.resolve(candidate);
					}
				}
			}
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	static class EndpointConfiguration {

		@Bean
		@Order(200)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnMissingBean
		RetryBudgetEndpointContributor rpcRetryBudgetEndpointContributor(RetryBudgets budgets) {
			return new RetryBudgetEndpointContributor(budgets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MicrometerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ResilienceListener rpcResilienceListener(ObjectProvider<MeterRegistry> registry, RetryBudgets budgets,
				ObjectProvider<RpcClientProperties> clientProperties) {
			MeterRegistry meterRegistry = registry.getIfUnique();
			if (meterRegistry == null) {
				return ResilienceListener.NONE;
			}
			MicrometerResilienceListener listener = new MicrometerResilienceListener(meterRegistry);
			List.copyOf(services(clientProperties).keySet())
				.forEach((service) -> listener.bindBudget(budgets, service));
			return listener;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.micrometer.core.instrument.MeterRegistry")
	static class NoMicrometerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ResilienceListener rpcResilienceListener() {
			return ResilienceListener.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder",
			"org.apache.hc.client5.http.classic.HttpClient" })
	static class HttpComponentsConfiguration {

		// Apache HttpClient 5 ignores the attempt timer's interrupt: give each request
		// the time
		// left instead, and spare the timer
		@Bean
		RpcRequestFactoryBuilderCustomizer rpcHttpComponentsAttemptTimeouts(ObjectProvider<AttemptTimer> timer) {
			return (builder, properties) -> {
				if (builder instanceof HttpComponentsClientHttpRequestFactoryBuilder httpComponents) {
					timer.ifAvailable((attemptTimer) -> attemptTimer.setInterrupting(false));
					return httpComponents.withCustomizer(
							(factory) -> HttpComponentsAttemptTimeouts.apply(factory, properties.getReadTimeout()));
				}
				return builder;
			};
		}

	}

}
