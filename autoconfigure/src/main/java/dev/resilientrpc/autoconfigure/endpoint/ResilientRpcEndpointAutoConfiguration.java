package dev.resilientrpc.autoconfigure.endpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link ResilientRpcEndpoint resilientrpc} Actuator endpoint,
 * when it is exposed: it shows what every {@link ResilientRpcEndpointContributor} bean
 * contributes. Each capability's auto-configuration adds its contributor the same way:
 * the endpoint condition on the {@code @Bean} method, inside a class that is only read
 * once Actuator is known to be there (a condition's own class must be loadable).
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
public final class ResilientRpcEndpointAutoConfiguration {

	@Bean
	@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
	@ConditionalOnMissingBean
	ResilientRpcEndpoint resilientRpcEndpoint(ObjectProvider<ResilientRpcEndpointContributor> contributors) {
		return new ResilientRpcEndpoint(contributors.orderedStream().toList());
	}

}
