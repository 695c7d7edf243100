package dev.resilientrpc.autoconfigure.client;

import java.lang.reflect.Proxy;
import java.util.List;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.client.invalid.AnnotatedClass;
import dev.resilientrpc.autoconfigure.client.scanned.ScannedClient;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.FirstHealthyInstanceSelector;
import dev.resilientrpc.client.HttpRpcTransport;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.StaticServiceInstances;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RpcClientAutoConfiguration}.
 */
class RpcClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RpcClientAutoConfiguration.class));

	@Test
	void createsClientInfrastructureByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RpcClient.class);
			assertThat(context).hasSingleBean(HttpRpcTransport.class);
			assertThat(context).hasSingleBean(FirstHealthyInstanceSelector.class);
			assertThat(context).hasSingleBean(StaticServiceInstances.class);
		});
	}

	@Test
	void whenAnObservationRegistryExistsThenEveryLogicalCallIsObserved() {
		this.contextRunner.withUserConfiguration(ScanningConfiguration.class)
			.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
			.withBean(RpcTransport.class, () -> (call) -> "Hello")
			.withPropertyValues("resilient-rpc.client.services.greeter.instances=http://localhost:1")
			.run((context) -> {
				assertThat(context.getBean(ScannedClient.class).greet("Ada")).isEqualTo("Hello");
				TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
					.hasSingleObservationThat()
					.hasNameEqualTo("rpc.client.call.duration")
					.hasLowCardinalityKeyValue("rpc.method", "greeter.greet");
			});
	}

	@Test
	void scannedInterfaceBecomesAProxyBean() {
		this.contextRunner.withUserConfiguration(ScanningConfiguration.class)
			.withPropertyValues("resilient-rpc.client.services.greeter.instances=http://localhost:1")
			.run((context) -> {
				assertThat(context).hasSingleBean(ScannedClient.class);
				assertThat(Proxy.isProxyClass(context.getBean(ScannedClient.class).getClass())).isTrue();
			});
	}

	@Test
	void whenServiceHasNoInstancesThenStartupFailsNamingTheProperty() {
		this.contextRunner.withUserConfiguration(ScanningConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.client.services.greeter.instances");
		});
	}

	@Test
	void whenAnnotatedTypeIsAClassThenStartupFails() {
		this.contextRunner.withUserConfiguration(InvalidScanningConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("@ResilientRpc can only be placed on an interface")
				.hasMessageContaining(AnnotatedClass.class.getName());
		});
	}

	@Test
	void whenInstanceIsNotAnHttpUriThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("resilient-rpc.client.services.kv.instances=localhost:8080")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("resilient-rpc.client.services.kv.instances[0]");
			});
	}

	@Test
	void whenReadTimeoutIsZeroThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("resilient-rpc.client.read-timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("resilient-rpc.client.read-timeout");
		});
	}

	@Test
	void whenClientIsDisabledThenNoProxiesAreCreated() {
		this.contextRunner.withUserConfiguration(ScanningConfiguration.class)
			.withPropertyValues("resilient-rpc.client.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RpcClient.class);
				assertThat(context).doesNotHaveBean(ScannedClient.class);
			});
	}

	@Test
	void backsOffWhenUserDefinesTransportAndSelector() {
		this.contextRunner.withUserConfiguration(UserBeansConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RpcTransport.class);
			assertThat(context).doesNotHaveBean(HttpRpcTransport.class);
			assertThat(context).hasSingleBean(InstanceSelector.class);
			assertThat(context).doesNotHaveBean(FirstHealthyInstanceSelector.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesInstanceSupplier() {
		this.contextRunner.withUserConfiguration(UserSupplierConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ServiceInstanceSupplier.class);
			assertThat(context).doesNotHaveBean(StaticServiceInstances.class);
		});
	}

	@Test
	void backsOffWithoutRestClient() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.web.client"))
			.run((context) -> assertThat(context).doesNotHaveBean(RpcClient.class));
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = ScannedClient.class)
	static class ScanningConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = AnnotatedClass.class)
	static class InvalidScanningConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		@Bean
		RpcTransport userTransport() {
			return (call) -> "stub";
		}

		@Bean
		InstanceSelector userSelector() {
			return new InstanceSelector() {

				@Override
				public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
					return chain.proceed(call);
				}

				@Override
				public int getOrder() {
					return 0;
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSupplierConfiguration {

		@Bean
		ServiceInstanceSupplier userSupplier() {
			return (service) -> List.of();
		}

	}

}
