package dev.resilientrpc.autoconfigure.dashboard;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointAutoConfiguration;
import dev.resilientrpc.diagnostics.RpcConfigurationException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DashboardAutoConfiguration}: off unless enabled, where it is mapped,
 * and the startup errors of a dashboard that cannot work.
 */
class DashboardAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ResilientRpcEndpointAutoConfiguration.class, DashboardAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=resilientrpc");

	@Test
	void thereIsNoDashboardUnlessItIsEnabled() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("rpcDashboardServletRegistration");
		});
	}

	@Test
	void enabledItIsMappedUnderItsPath() {
		this.contextRunner.withPropertyValues("resilient-rpc.dashboard.enabled=true").run((context) -> {
			ServletRegistrationBean<?> registration = context.getBean("rpcDashboardServletRegistration",
					ServletRegistrationBean.class);
			assertThat(registration.getUrlMappings()).containsExactly("/resilient-rpc/*");
			assertThat(registration.getServlet()).isInstanceOf(DashboardServlet.class);
		});
	}

	@Test
	void itsPathCanBeChanged() {
		this.contextRunner
			.withPropertyValues("resilient-rpc.dashboard.enabled=true", "resilient-rpc.dashboard.path=/ops/rpc")
			.run((context) -> assertThat(
					context.getBean("rpcDashboardServletRegistration", ServletRegistrationBean.class).getUrlMappings())
				.containsExactly("/ops/rpc/*"));
	}

	@Test
	void enabledWithoutTheEndpointFailsNamingWhatToExpose() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ResilientRpcEndpointAutoConfiguration.class,
					DashboardAutoConfiguration.class))
			.withPropertyValues("resilient-rpc.dashboard.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(RpcConfigurationException.class)
					.hasMessageContaining("resilient-rpc.dashboard.enabled");
				RpcConfigurationException cause = (RpcConfigurationException) rootCause(context.getStartupFailure());
				assertThat(cause.getAction()).contains("management.endpoints.web.exposure.include=resilientrpc");
			});
	}

	@Test
	void withoutActuatorThereIsNoDashboard() {
		this.contextRunner.withPropertyValues("resilient-rpc.dashboard.enabled=true")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("rpcDashboardServletRegistration");
			});
	}

	@Test
	void aPathWithATrailingSlashFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("resilient-rpc.dashboard.enabled=true", "resilient-rpc.dashboard.path=/rpc/")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.dashboard.path"));
	}

	@Test
	void aRefreshTooShortFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("resilient-rpc.dashboard.enabled=true", "resilient-rpc.dashboard.refresh=10ms")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.dashboard.refresh"));
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
