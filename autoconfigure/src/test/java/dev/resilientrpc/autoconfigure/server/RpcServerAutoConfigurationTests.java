package dev.resilientrpc.autoconfigure.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.observation.DefaultRpcServerObservationConvention;
import dev.resilientrpc.observation.RpcServerObservationConvention;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RpcServerAutoConfiguration}.
 */
class RpcServerAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RpcServerAutoConfiguration.class))
		.withUserConfiguration(GreeterConfiguration.class);

	@Test
	void exportsAnnotatedBeansAtRpcByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(JsonRpcServer.class);
			assertThat(context.getBean(RpcServiceRegistry.class).getMethods()).containsOnlyKeys("greeter.greet");
			ServletRegistrationBean<?> registration = context.getBean("jsonRpcServletRegistration",
					ServletRegistrationBean.class);
			assertThat(registration.getUrlMappings()).containsExactly("/rpc");
		});
	}

	@Test
	void whenAnObservationRegistryExistsThenEveryCallIsObserved() {
		this.contextRunner.withBean(TestObservationRegistry.class, TestObservationRegistry::create).run((context) -> {
			greet(context.getBean(JsonRpcServer.class));
			TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
				.hasSingleObservationThat()
				.hasNameEqualTo("rpc.server.call.duration")
				.hasLowCardinalityKeyValue("rpc.method", "greeter.greet");
		});
	}

	@Test
	void aUserObservationConventionReplacesTheDefaultOne() {
		this.contextRunner.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
			.withBean(RpcServerObservationConvention.class, () -> new DefaultRpcServerObservationConvention() {
				@Override
				public String getName() {
					return "jsonrpc.calls";
				}
			})
			.run((context) -> {
				greet(context.getBean(JsonRpcServer.class));
				TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
					.hasSingleObservationThat()
					.hasNameEqualTo("jsonrpc.calls");
			});
	}

	private static void greet(JsonRpcServer server) {
		byte[] body = "{\"jsonrpc\":\"2.0\",\"method\":\"greeter.greet\",\"params\":[\"Ada\"],\"id\":1}"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(server.handle(body, body.length, (name) -> null).status()).isEqualTo(200);
	}

	@Test
	void endpointPathIsConfigurable() {
		this.contextRunner.withPropertyValues("resilient-rpc.server.path=/api/jsonrpc").run((context) -> {
			ServletRegistrationBean<?> registration = context.getBean(ServletRegistrationBean.class);
			assertThat(registration.getUrlMappings()).containsExactly("/api/jsonrpc");
		});
	}

	@Test
	void whenServerIsDisabledThenNothingIsExported() {
		this.contextRunner.withPropertyValues("resilient-rpc.server.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(JsonRpcServer.class);
			assertThat(context).doesNotHaveBean(ServletRegistrationBean.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesServiceRegistry() {
		this.contextRunner.withUserConfiguration(UserRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RpcServiceRegistry.class);
			assertThat(context.getBean(RpcServiceRegistry.class).getMethods()).isEmpty();
		});
	}

	@Test
	void isNotCreatedOutsideAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RpcServerAutoConfiguration.class))
			.withUserConfiguration(GreeterConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(JsonRpcServer.class));
	}

	@Test
	void backsOffWithoutJackson() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("tools.jackson.databind.json"))
			.run((context) -> assertThat(context).doesNotHaveBean(JsonRpcServer.class));
	}

	@Test
	void whenPathIsNotAbsoluteThenStartupFailsNamingTheProperty() {
		assertFailsNaming("resilient-rpc.server.path=rpc", "resilient-rpc.server.path");
	}

	@Test
	void whenMaxRequestSizeIsTooSmallThenStartupFailsNamingTheProperty() {
		assertFailsNaming("resilient-rpc.server.max-request-size=0", "resilient-rpc.server.max-request-size");
	}

	@Test
	void whenMaxNestingDepthIsTooSmallThenStartupFailsNamingTheProperty() {
		assertFailsNaming("resilient-rpc.server.max-nesting-depth=1", "resilient-rpc.server.max-nesting-depth");
	}

	@Test
	void whenMaxBatchSizeIsZeroThenStartupFailsNamingTheProperty() {
		assertFailsNaming("resilient-rpc.server.max-batch-size=0", "resilient-rpc.server.max-batch-size");
	}

	@Test
	void whenTwoBeansExportTheSameServiceThenStartupFails() {
		this.contextRunner.withUserConfiguration(SecondGreeterConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("Service 'greeter' is exported by two beans");
		});
	}

	@Test
	void whenExportedInterfaceOverloadsAMethodThenStartupFails() {
		this.contextRunner.withUserConfiguration(OverloadedConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("overloads method 'add'");
		});
	}

	@Test
	void whenBeanImplementsNoInterfaceThenStartupFails() {
		this.contextRunner.withUserConfiguration(NoInterfaceConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("implements no application interface");
		});
	}

	@Test
	void whenBeanImplementsSeveralInterfacesTheApiAttributeChoosesOne() {
		this.contextRunner.withUserConfiguration(TwoInterfacesConfiguration.class).run((context) -> {
			assertThat(context.getBean(RpcServiceRegistry.class).getMethods()).containsOnlyKeys("greeter.greet",
					"both.greet");
		});
	}

	private void assertFailsNaming(String property, String name) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(name);
		});
	}

	public interface Greeter {

		String greet(String name);

	}

	public interface Adder {

		int add(int a, int b);

		int add(int a, int b, int c);

	}

	@RpcService("greeter")
	static class GreeterService implements Greeter {

		@Override
		public String greet(String name) {
			return "hello " + name;
		}

	}

	@RpcService("adder")
	static class AdderService implements Adder {

		@Override
		public int add(int a, int b) {
			return a + b;
		}

		@Override
		public int add(int a, int b, int c) {
			return a + b + c;
		}

	}

	@RpcService("plain")
	static class PlainService {

	}

	@RpcService(value = "both", api = Greeter.class)
	static class BothService implements Greeter, Runnable, Comparable<String> {

		@Override
		public String greet(String name) {
			return name;
		}

		@Override
		public void run() {
		}

		@Override
		public int compareTo(String other) {
			return 0;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GreeterConfiguration {

		@Bean
		GreeterService greeterService() {
			return new GreeterService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondGreeterConfiguration {

		@Bean
		GreeterService secondGreeterService() {
			return new GreeterService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OverloadedConfiguration {

		@Bean
		AdderService adderService() {
			return new AdderService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoInterfaceConfiguration {

		@Bean
		PlainService plainService() {
			return new PlainService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoInterfacesConfiguration {

		@Bean
		BothService bothService() {
			return new BothService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRegistryConfiguration {

		@Bean
		RpcServiceRegistry userRegistry() {
			return RpcServiceRegistry.of(Map.of());
		}

	}

}
