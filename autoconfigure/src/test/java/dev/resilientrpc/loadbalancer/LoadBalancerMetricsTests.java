package dev.resilientrpc.loadbalancer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer.Lease;

import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.SERVICE;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instance;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instances;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link LoadBalancerMetrics}.
 */
class LoadBalancerMetricsTests {

	private final AtomicReference<List<ServiceInstance>> members = new AtomicReference<>(instances(3));

	private final Set<ServiceInstance> unavailable = ConcurrentHashMap.newKeySet();

	private final ConsistentHashLoadBalancer balancer = ConsistentHashLoadBalancer
		.builder((service) -> this.members.get())
		.availability(List.of((instance) -> !this.unavailable.contains(instance)))
		.build();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void gaugesShowLoadShareAndAvailabilityOfEachInstance() {
		this.balancer.refresh(SERVICE);
		new LoadBalancerMetrics(this.balancer).bindTo(this.registry);
		assertThat(this.registry.find("resilientrpc.loadbalancer.in.flight").gauges()).hasSize(3);
		double shares = this.registry.find("resilientrpc.loadbalancer.ring.share")
			.gauges()
			.stream()
			.mapToDouble(Gauge::value)
			.sum();
		assertThat(shares).isCloseTo(1.0, within(1e-9));
		try (Lease lease = this.balancer.lease(SERVICE, "key")) {
			assertThat(gauge("resilientrpc.loadbalancer.in.flight", lease.instance())).isEqualTo(1.0);
		}
		this.unavailable.add(instance(1));
		assertThat(gauge("resilientrpc.loadbalancer.available", instance(1))).isZero();
		assertThat(gauge("resilientrpc.loadbalancer.available", instance(2))).isEqualTo(1.0);
		assertThat(this.registry.get("resilientrpc.loadbalancer.failovers")
			.tag("service", SERVICE)
			.functionCounter()
			.count()).isZero();
	}

	@Test
	void gaugesFollowMembership() {
		new LoadBalancerMetrics(this.balancer).bindTo(this.registry);
		this.balancer.refresh(SERVICE);
		this.members.set(List.of(instance(0), instance(5)));
		this.balancer.refresh(SERVICE);
		assertThat(this.registry.find("resilientrpc.loadbalancer.in.flight").gauges())
			.extracting((gauge) -> gauge.getId().getTag("instance"))
			.containsExactlyInAnyOrder(instance(0).endpoint().toString(), instance(5).endpoint().toString());
	}

	private double gauge(String name, ServiceInstance instance) {
		return this.registry.get(name)
			.tag("service", SERVICE)
			.tag("instance", instance.endpoint().toString())
			.gauge()
			.value();
	}

}
