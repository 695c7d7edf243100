package dev.resilientrpc.loadbalancer;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.autoconfigure.client.RpcClientAutoConfiguration;
import dev.resilientrpc.autoconfigure.loadbalancer.LoadBalancerAutoConfiguration;
import dev.resilientrpc.autoconfigure.loadbalancer.LoadBalancerEndpointContributor;
import dev.resilientrpc.autoconfigure.loadbalancer.LoadBalancerEndpointContributor.ServiceDescriptor;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.FirstHealthyInstanceSelector;
import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.StaticServiceInstances;
import dev.resilientrpc.loadbalancer.discovery.DiscoveryServiceInstances;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LoadBalancerAutoConfiguration}.
 */
class LoadBalancerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class, RpcClientAutoConfiguration.class))
		.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
		.withPropertyValues("resilient-rpc.client.services.kv.instances=http://127.0.0.1:8081,http://127.0.0.1:8082");

	private final ApplicationContextRunner discoveryRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				LoadBalancerAutoConfiguration.class, RpcClientAutoConfiguration.class))
		.withPropertyValues("resilient-rpc.client.services.kv.instances=http://127.0.0.1:8081",
				"resilient-rpc.client.services.orders.path=/api/rpc",
				"spring.cloud.discovery.client.simple.instances.orders[0].uri=http://10.0.0.5:8080",
				"spring.cloud.discovery.client.simple.instances.orders[0].metadata.weight=2");

	@Test
	void balancerReplacesTheDefaultInstanceSelector() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(InstanceSelector.class)
				.hasSingleBean(ConsistentHashLoadBalancer.class)
				.doesNotHaveBean(FirstHealthyInstanceSelector.class)
				.hasSingleBean(StaticServiceInstances.class);
			ConsistentHashLoadBalancer balancer = context.getBean(ConsistentHashLoadBalancer.class);
			assertThat(context.getBean(RpcClient.class).getInterceptors()).containsExactly(balancer);
			ServiceStatus kv = balancer.status("kv");
			assertThat(kv.virtualNodes()).isEqualTo(160);
			assertThat(kv.loadFactor()).isNull();
			assertThat(kv.instances()).extracting((instance) -> instance.instance().endpoint().toString())
				.containsExactly("http://127.0.0.1:8081/rpc", "http://127.0.0.1:8082/rpc");
		});
	}

	@Test
	void whenLoadBalancerIsDisabledTheFirstHealthySelectorIsUsed() {
		this.runner.withPropertyValues("resilient-rpc.load-balancer.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(FirstHealthyInstanceSelector.class)
				.doesNotHaveBean(ConsistentHashLoadBalancer.class));
	}

	@Test
	void whenClientIsDisabledThereIsNoBalancer() {
		this.runner.withPropertyValues("resilient-rpc.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConsistentHashLoadBalancer.class));
	}

	@Test
	void backsOffWhenUserDefinesAnInstanceSelector() {
		this.runner.withUserConfiguration(UserSelectorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(InstanceSelector.class)
				.doesNotHaveBean(ConsistentHashLoadBalancer.class)
				.doesNotHaveBean(LoadBalancerMetrics.class);
			assertThat(context.getBean(InstanceSelector.class)).isSameAs(context.getBean("userSelector"));
		});
	}

	@Test
	void propertiesConfigureTheBalancer() {
		this.runner
			.withPropertyValues("resilient-rpc.load-balancer.virtual-nodes=50",
					"resilient-rpc.load-balancer.load-factor=1.5")
			.withInitializer(property("resilient-rpc.load-balancer.weights[http://127.0.0.1:8082]", "2"))
			.run((context) -> {
				ServiceStatus kv = context.getBean(ConsistentHashLoadBalancer.class).status("kv");
				assertThat(kv.virtualNodes()).isEqualTo(50);
				assertThat(kv.loadFactor()).isEqualTo(1.5);
				assertThat(kv.instances()).extracting(InstanceStatus::weight).containsExactly(1.0, 2.0);
				assertThat(kv.instances()).extracting(InstanceStatus::virtualNodes).containsExactly(50, 100);
			});
	}

	@Test
	void availabilityBeansVetoInstances() {
		this.runner
			.withBean("noFirst", InstanceAvailability.class,
					() -> (instance) -> !instance.endpoint().getAuthority().equals("127.0.0.1:8081"))
			.run((context) -> {
				ConsistentHashLoadBalancer balancer = context.getBean(ConsistentHashLoadBalancer.class);
				assertThat(balancer.status("kv").instances()).extracting(InstanceStatus::state)
					.containsExactly(InstanceStatus.State.UNAVAILABLE, InstanceStatus.State.AVAILABLE);
				for (int i = 0; i < 100; i++) {
					try (ConsistentHashLoadBalancer.Lease lease = balancer.lease("kv", "key-" + i)) {
						assertThat(lease.instance().endpoint().getPort()).isEqualTo(8082);
					}
				}
			});
	}

	@Test
	void virtualNodesMustBePositive() {
		this.runner.withPropertyValues("resilient-rpc.load-balancer.virtual-nodes=0")
			.run((context) -> assertFailure(context, "resilient-rpc.load-balancer.virtual-nodes", "must be > 0"));
	}

	@Test
	void loadFactorMustExceedOne() {
		this.runner.withPropertyValues("resilient-rpc.load-balancer.load-factor=0.9")
			.run((context) -> assertFailure(context, "resilient-rpc.load-balancer.load-factor", "must be > 1"));
	}

	@Test
	void weightsMustBeKeyedByBaseUri() {
		this.runner.withPropertyValues("resilient-rpc.load-balancer.weights.node1=2")
			.run((context) -> assertFailure(context, "resilient-rpc.load-balancer.weights[node1]",
					"base URI in brackets"));
	}

	@Test
	void weightsMustBePositive() {
		this.runner.withInitializer(property("resilient-rpc.load-balancer.weights[http://127.0.0.1:8082]", "-1"))
			.run((context) -> assertFailure(context, "resilient-rpc.load-balancer.weights[http://127.0.0.1:8082]",
					"must be a number > 0"));
	}

	@Test
	void healthCheckPathMustBeAbsolute() {
		this.runner.withPropertyValues("resilient-rpc.load-balancer.health-check.path=health")
			.run((context) -> assertFailure(context, "resilient-rpc.load-balancer.health-check.path",
					"must start with '/'"));
	}

	@Test
	void healthCheckSslBundleMustExist() {
		this.runner
			.withPropertyValues("resilient-rpc.load-balancer.health-check.enabled=true",
					"resilient-rpc.load-balancer.health-check.ssl-bundle=missing")
			.run((context) -> assertFailure(context, "resilient-rpc.load-balancer.health-check.ssl-bundle",
					"SSL bundles are not configured"));
	}

	@Test
	void discoveryClientSuppliesServicesWithoutConfiguredInstances() {
		this.discoveryRunner.run((context) -> {
			assertThat(context).hasSingleBean(DiscoveryServiceInstances.class)
				.doesNotHaveBean(StaticServiceInstances.class);
			ServiceInstanceSupplier instances = context.getBean(ServiceInstanceSupplier.class);
			assertThat(instances.getInstances("orders"))
				.containsExactly(new ServiceInstance("orders", URI.create("http://10.0.0.5:8080/api/rpc")));
			assertThat(instances.getInstances("kv"))
				.containsExactly(new ServiceInstance("kv", URI.create("http://127.0.0.1:8081/rpc")));
			ConsistentHashLoadBalancer balancer = context.getBean(ConsistentHashLoadBalancer.class);
			assertThat(balancer.ring("orders").weight(0)).isEqualTo(2.0);
		});
	}

	@Test
	void heartbeatRefreshesDiscoveredInstances() {
		this.discoveryRunner.run((context) -> {
			ConsistentHashLoadBalancer balancer = context.getBean(ConsistentHashLoadBalancer.class);
			assertThat(balancer.ring("orders").size()).isEqualTo(1);
			InstanceProperties added = new InstanceProperties();
			added.setServiceId("orders");
			added.setUri(URI.create("http://10.0.0.6:8080"));
			context.getBean(SimpleDiscoveryProperties.class).getInstances().get("orders").add(added);
			context.publishEvent(new HeartbeatEvent(this, 1));
			await().atMost(Duration.ofSeconds(10)).until(() -> balancer.status("orders").instances().size() == 2);
			assertThat(balancer.status("orders").ringVersion()).isEqualTo(2);
		});
	}

	@Test
	void discoveryCanBeSwitchedOff() {
		this.discoveryRunner.withPropertyValues("resilient-rpc.load-balancer.discovery.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(StaticServiceInstances.class)
				.doesNotHaveBean(DiscoveryServiceInstances.class));
	}

	@Test
	void metricsBinderIsCreatedWhenMicrometerIsPresent() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(LoadBalancerMetrics.class));
	}

	@Test
	void endpointShowsTheRingWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=resilientrpc").run((context) -> {
			LoadBalancerEndpointContributor endpoint = context.getBean(LoadBalancerEndpointContributor.class);
			ServiceDescriptor kv = endpoint.describe().get("kv");
			assertThat(kv.instances()).hasSize(2);
			assertThat(kv.instances().get(0).state()).isEqualTo("AVAILABLE");
			assertThat(kv.instances().get(0).ringShare() + kv.instances().get(1).ringShare()).isCloseTo(1.0,
					within(1e-9));
			assertThat(endpoint.describe("kv")).isEqualTo(kv);
			assertThat(endpoint.describe("nope")).isNull();
		});
	}

	@Test
	void endpointIsNotCreatedUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(LoadBalancerEndpointContributor.class));
	}

	private static void assertFailure(AssertableApplicationContext context, String property, String reason) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.hasMessageContaining("Property " + property + " with value")
			.hasMessageContaining(reason);
	}

	/**
	 * Set a property whose name holds characters that {@code withPropertyValues} would
	 * split at.
	 */
	private static ApplicationContextInitializer<ConfigurableApplicationContext> property(String name, String value) {
		return (context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test-" + name, Map.of(name, value)));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserSelectorConfiguration {

		@Bean
		InstanceSelector userSelector() {
			return new InstanceSelector() {

				@Override
				public Object intercept(ClientCall call, ClientInterceptorChain chain) {
					return chain.proceed(call);
				}

				@Override
				public int getOrder() {
					return 0;
				}

			};
		}

	}

}
