package dev.resilientrpc.loadbalancer.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.StaticServiceInstances;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DiscoveryServiceInstances} with Spring Cloud's
 * {@link SimpleDiscoveryClient}.
 */
class DiscoveryServiceInstancesTests {

	private final SimpleDiscoveryProperties registry = new SimpleDiscoveryProperties();

	private final StaticServiceInstances configured = new StaticServiceInstances(
			Map.of("configured", List.of(endpoint("configured", "http://127.0.0.1:9000/rpc"))));

	private final DiscoveryServiceInstances instances = new DiscoveryServiceInstances(
			new SimpleDiscoveryClient(this.registry), this.configured,
			(service) -> "orders".equals(service) ? "/api/rpc" : "/rpc", "weight");

	@Test
	void instancesComeFromTheDiscoveryClientWithTheServicePath() {
		register("kv", "http://10.0.0.2:8080", Map.of());
		register("kv", "http://10.0.0.1:8080", Map.of());
		register("orders", "https://10.0.0.3:8443", Map.of());
		assertThat(this.instances.getInstances("kv")).containsExactly(endpoint("kv", "http://10.0.0.1:8080/rpc"),
				endpoint("kv", "http://10.0.0.2:8080/rpc"));
		assertThat(this.instances.getInstances("orders"))
			.containsExactly(endpoint("orders", "https://10.0.0.3:8443/api/rpc"));
		assertThat(this.instances.getInstances("unknown")).isEmpty();
	}

	@Test
	void configuredInstancesTakePrecedence() {
		register("configured", "http://10.0.0.9:8080", Map.of());
		assertThat(this.instances.getInstances("configured"))
			.containsExactly(endpoint("configured", "http://127.0.0.1:9000/rpc"));
	}

	@Test
	void listStaysTheSameObjectUntilARefreshFindsAChange() {
		register("kv", "http://10.0.0.1:8080", Map.of());
		List<ServiceInstance> first = this.instances.getInstances("kv");
		assertThat(this.instances.refresh()).isEmpty();
		assertThat(this.instances.getInstances("kv")).isSameAs(first);
		register("kv", "http://10.0.0.2:8080", Map.of());
		assertThat(this.instances.getInstances("kv")).isSameAs(first);
		assertThat(this.instances.refresh()).containsExactly("kv");
		assertThat(this.instances.getInstances("kv")).hasSize(2);
	}

	@Test
	void weightsComeFromMetadata() {
		register("kv", "http://10.0.0.1:8080", Map.of("weight", "2.5"));
		register("kv", "http://10.0.0.2:8080", Map.of("weight", "nonsense"));
		register("kv", "http://10.0.0.3:8080", Map.of());
		this.instances.getInstances("kv");
		assertThat(this.instances.weightOf(endpoint("kv", "http://10.0.0.1:8080/rpc"))).isEqualTo(2.5);
		assertThat(this.instances.weightOf(endpoint("kv", "http://10.0.0.2:8080/rpc"))).isEqualTo(1.0);
		assertThat(this.instances.weightOf(endpoint("kv", "http://10.0.0.3:8080/rpc"))).isEqualTo(1.0);
		this.registry.getInstances().get("kv").get(2).getMetadata().put("weight", "3");
		assertThat(this.instances.refresh()).containsExactly("kv");
		assertThat(this.instances.weightOf(endpoint("kv", "http://10.0.0.3:8080/rpc"))).isEqualTo(3.0);
	}

	@Test
	void failingDiscoveryKeepsTheInstancesKnown() {
		List<org.springframework.cloud.client.ServiceInstance> answer = new ArrayList<>();
		boolean[] failing = { false };
		DiscoveryClient flaky = new DiscoveryClient() {

			@Override
			public String description() {
				return "flaky";
			}

			@Override
			public List<org.springframework.cloud.client.ServiceInstance> getInstances(String serviceId) {
				if (failing[0]) {
					throw new IllegalStateException("registry down");
				}
				return answer;
			}

			@Override
			public List<String> getServices() {
				return List.of("kv");
			}

		};
		DiscoveryServiceInstances instances = new DiscoveryServiceInstances(flaky, (service) -> List.of(),
				(service) -> "/rpc", "weight");
		answer.add(new org.springframework.cloud.client.DefaultServiceInstance("1", "kv", "10.0.0.1", 8080, false));
		assertThat(instances.getInstances("kv")).hasSize(1);
		failing[0] = true;
		assertThat(instances.refresh()).isEmpty();
		assertThat(instances.getInstances("kv")).containsExactly(endpoint("kv", "http://10.0.0.1:8080/rpc"));
	}

	@Test
	void balancerFollowsTheRegistryAfterARefresh() {
		register("kv", "http://10.0.0.1:8080", Map.of());
		ConsistentHashLoadBalancer balancer = ConsistentHashLoadBalancer.builder(this.instances)
			.weights(this.instances)
			.build();
		assertThat(balancer.ring("kv").instances()).hasSize(1);
		register("kv", "http://10.0.0.2:8080", Map.of("weight", "2"));
		for (String service : this.instances.refresh()) {
			balancer.refresh(service);
		}
		assertThat(balancer.ring("kv").instances()).hasSize(2);
		assertThat(balancer.ring("kv").virtualNodes(1)).isEqualTo(320);
		this.registry.getInstances().get("kv").remove(0);
		this.instances.refresh().forEach(balancer::refresh);
		assertThat(balancer.ring("kv").instances()).containsExactly(endpoint("kv", "http://10.0.0.2:8080/rpc"));
	}

	private void register(String service, String uri, Map<String, String> metadata) {
		InstanceProperties instance = new InstanceProperties();
		instance.setServiceId(service);
		instance.setUri(URI.create(uri));
		instance.setMetadata(new HashMap<>(metadata));
		this.registry.getInstances().computeIfAbsent(service, (key) -> new ArrayList<>()).add(instance);
	}

	private static ServiceInstance endpoint(String service, String uri) {
		return new ServiceInstance(service, URI.create(uri));
	}

}
