package dev.resilientrpc.autoconfigure.retry;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.retry.CircuitBreakerInstanceAvailability;
import dev.resilientrpc.retry.CircuitBreakerInterceptor;
import dev.resilientrpc.retry.InstanceCircuitBreakers;
import dev.resilientrpc.retry.ResilienceListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of one Resilience4j circuit breaker per service instance, from the
 * {@link CircuitBreakerRegistry} that {@code resilience4j-spring-boot4} configures with
 * {@code resilience4j.circuitbreaker.*}. Also reports instances whose breaker is open as
 * unavailable to the instance selector. Switched off with
 * {@code resilient-rpc.circuit-breaker.enabled=false}.
 */
@AutoConfiguration(after = RetryAutoConfiguration.class,
		afterName = "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration")
@ConditionalOnClass(CircuitBreakerRegistry.class)
@ConditionalOnBean(CircuitBreakerRegistry.class)
@ConditionalOnBooleanProperty(name = "resilient-rpc.circuit-breaker.enabled", matchIfMissing = true)
public final class RpcCircuitBreakerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InstanceCircuitBreakers rpcInstanceCircuitBreakers(CircuitBreakerRegistry registry,
			ObjectProvider<ResilienceListener> listener) {
		return new InstanceCircuitBreakers(registry, listener.getIfAvailable(() -> ResilienceListener.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerInterceptor rpcCircuitBreakerInterceptor(InstanceCircuitBreakers breakers) {
		return new CircuitBreakerInterceptor(breakers);
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerInstanceAvailability rpcCircuitBreakerInstanceAvailability(InstanceCircuitBreakers breakers) {
		return new CircuitBreakerInstanceAvailability(breakers);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	static class EndpointConfiguration {

		@Bean
		@Order(210)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnMissingBean
		CircuitBreakerEndpointContributor rpcCircuitBreakerEndpointContributor(InstanceCircuitBreakers breakers) {
			return new CircuitBreakerEndpointContributor(breakers);
		}

	}

}
