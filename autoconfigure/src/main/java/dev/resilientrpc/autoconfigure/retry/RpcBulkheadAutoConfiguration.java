package dev.resilientrpc.autoconfigure.retry;

import io.github.resilience4j.bulkhead.BulkheadRegistry;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.retry.BulkheadInterceptor;

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
 * Auto-configuration of one Resilience4j bulkhead per service, from the
 * {@link BulkheadRegistry} that {@code resilience4j-spring-boot4} configures with
 * {@code resilience4j.bulkhead.*}. Switched off with
 * {@code resilient-rpc.bulkhead.enabled=false}.
 */
@AutoConfiguration(afterName = "io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration")
@ConditionalOnClass(BulkheadRegistry.class)
@ConditionalOnBean(BulkheadRegistry.class)
@ConditionalOnBooleanProperty(name = "resilient-rpc.bulkhead.enabled", matchIfMissing = true)
public final class RpcBulkheadAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BulkheadInterceptor rpcBulkheadInterceptor(BulkheadRegistry registry) {
		return new BulkheadInterceptor(registry);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	static class EndpointConfiguration {

		@Bean
		@Order(220)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnMissingBean
		BulkheadEndpointContributor rpcBulkheadEndpointContributor(BulkheadInterceptor bulkheads) {
			return new BulkheadEndpointContributor(bulkheads);
		}

	}

}
