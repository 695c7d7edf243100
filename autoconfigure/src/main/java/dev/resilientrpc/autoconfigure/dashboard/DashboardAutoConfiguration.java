package dev.resilientrpc.autoconfigure.dashboard;

import jakarta.servlet.http.HttpServlet;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointAutoConfiguration;
import dev.resilientrpc.diagnostics.RpcConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the live dashboard, when {@code resilient-rpc.dashboard.enabled}
 * is set: a servlet at {@code resilient-rpc.dashboard.path} whose page draws what the
 * {@link ResilientRpcEndpoint resilientrpc} endpoint shows. The dashboard shows nothing
 * that endpoint does not, so it needs the endpoint available: enabling it without is a
 * startup error naming the property that exposes the endpoint.
 */
@AutoConfiguration(after = ResilientRpcEndpointAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(
		name = { "jakarta.servlet.http.HttpServlet", "org.springframework.boot.actuate.endpoint.annotation.Endpoint" })
@ConditionalOnBooleanProperty("resilient-rpc.dashboard.enabled")
@EnableConfigurationProperties(DashboardProperties.class)
public final class DashboardAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "rpcDashboardServletRegistration")
	ServletRegistrationBean<HttpServlet> rpcDashboardServletRegistration(DashboardProperties properties,
			ObjectProvider<ResilientRpcEndpoint> endpoint, ObjectProvider<JsonMapper> jsonMapper) {
		properties.validate();
		ResilientRpcEndpoint available = endpoint.getIfAvailable();
		if (available == null) {
			throw new RpcConfigurationException(
					"resilient-rpc.dashboard.enabled is true, but the resilientrpc Actuator endpoint the dashboard shows is not available",
					"Expose the endpoint (management.endpoints.web.exposure.include=resilientrpc), "
							+ "or set resilient-rpc.dashboard.enabled=false");
		}
		JsonMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
		DashboardServlet servlet = new DashboardServlet(available::describe, mapper,
				properties.getRefresh().toMillis());
		ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(servlet,
				properties.getPath() + "/*");
		registration.setName("rpcDashboardServlet");
		return registration;
	}

}
