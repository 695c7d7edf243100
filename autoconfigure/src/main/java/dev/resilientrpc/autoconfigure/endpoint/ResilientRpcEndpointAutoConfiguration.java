package dev.resilientrpc.autoconfigure.endpoint;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the {@link ResilientRpcEndpoint resilientrpc} Actuator endpoint,
 * when it is exposed: it shows what every {@link ResilientRpcEndpointContributor} bean
 * contributes. Each capability's auto-configuration adds its contributor the same way:
 * the endpoint condition on the {@code @Bean} method, inside a class that is only read
 * once Actuator is known to be there (a condition's own class must be loadable). This one
 * adds the {@code counters} part when Micrometer has a registry.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
public final class ResilientRpcEndpointAutoConfiguration {

	@Bean
	@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
	@ConditionalOnMissingBean
	ResilientRpcEndpoint resilientRpcEndpoint(ObjectProvider<ResilientRpcEndpointContributor> contributors) {
		return new ResilientRpcEndpoint(contributors.orderedStream().toList());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class CountersConfiguration {

		@Bean
		@Order(500)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnMissingBean
		CounterEndpointContributor rpcCounterEndpointContributor(MeterRegistry registry) {
			return new CounterEndpointContributor(registry);
		}

	}

}
