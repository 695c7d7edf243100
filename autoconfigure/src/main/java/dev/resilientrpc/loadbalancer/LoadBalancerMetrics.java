package dev.resilientrpc.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.loadbalancer.ServiceRing.Snapshot;
import dev.resilientrpc.observation.ResilientRpcMeters;

/**
 * Publishes the balancer's state to Micrometer, per service and instance (tags
 * {@code service} and {@code instance}, the endpoint URI):
 * <ul>
 * <li>{@code resilientrpc.loadbalancer.in.flight}: calls in flight on the instance;</li>
 * <li>{@code resilientrpc.loadbalancer.ring.share}: fraction of the hash space it
 * owns;</li>
 * <li>{@code resilientrpc.loadbalancer.available}: 1 if it takes calls, 0 if it is passed
 * over;</li>
 * <li>{@code resilientrpc.loadbalancer.failovers} (per service): attempts sent to an
 * instance other than their key's owner.</li>
 * </ul>
 * The instance gauges follow membership: they are replaced whenever a ring is.
 */
public class LoadBalancerMetrics implements MeterBinder {

	private final ConsistentHashLoadBalancer balancer;

	private final Map<MeterRegistry, Map<String, Gauges>> gauges = new ConcurrentHashMap<>();

	/**
	 * Create a new binder.
	 * @param balancer the balancer to observe
	 */
	public LoadBalancerMetrics(ConsistentHashLoadBalancer balancer) {
		this.balancer = balancer;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Map<String, Gauges> services = this.gauges.computeIfAbsent(registry, (key) -> new ConcurrentHashMap<>());
		this.balancer.addRingListener((service) -> update(registry, services, service));
		for (ServiceStatus status : this.balancer.status()) {
			update(registry, services, status.service());
		}
	}

	private void update(MeterRegistry registry, Map<String, Gauges> services, String service) {
		ServiceRing serviceRing = this.balancer.serviceRingIfKnown(service);
		Snapshot snapshot = (serviceRing != null) ? serviceRing.snapshot() : null;
		if (serviceRing == null || snapshot == null) {
			return;
		}
		FunctionCounter
			.builder(ResilientRpcMeters.LOAD_BALANCER + "failovers", serviceRing.failovers, (adder) -> adder.sum())
			.description("Attempts sent to an instance other than the owner of their key")
			.tag("service", service)
			.register(registry);
		Gauges serviceGauges = services.computeIfAbsent(service, (name) -> new Gauges(registry));
		List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
		List<MultiGauge.Row<?>> shares = new ArrayList<>();
		List<MultiGauge.Row<?>> available = new ArrayList<>();
		HashRing ring = snapshot.ring();
		for (int i = 0; i < ring.size(); i++) {
			InstanceState state = snapshot.states()[i];
			Tags tags = Tags.of("service", service, "instance", state.instance.endpoint().toString());
			inFlight.add(MultiGauge.Row.of(tags, state, InstanceState::inFlight));
			shares.add(MultiGauge.Row.of(tags, ring.share(i)));
			available.add(MultiGauge.Row.of(tags, state,
					(member) -> (this.balancer.stateOf(member) == InstanceStatus.State.AVAILABLE) ? 1 : 0));
		}
		synchronized (serviceGauges) {
			serviceGauges.inFlight.register(inFlight, true);
			serviceGauges.shares.register(shares, true);
			serviceGauges.available.register(available, true);
		}
	}

	private static final class Gauges {

		final MultiGauge inFlight;

		final MultiGauge shares;

		final MultiGauge available;

		Gauges(MeterRegistry registry) {
			this.inFlight = MultiGauge.builder(ResilientRpcMeters.LOAD_BALANCER + "in.flight")
				.description("Calls in flight on the instance")
				.register(registry);
			this.shares = MultiGauge.builder(ResilientRpcMeters.LOAD_BALANCER + "ring.share")
				.description("Fraction of the hash space the instance owns")
				.register(registry);
			this.available = MultiGauge.builder(ResilientRpcMeters.LOAD_BALANCER + "available")
				.description("1 if the instance takes calls, 0 if it is passed over")
				.register(registry);
		}

	}

}
