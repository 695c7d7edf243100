package dev.resilientrpc.autoconfigure.loadbalancer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointContributor;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;
import dev.resilientrpc.loadbalancer.InstanceStatus;
import dev.resilientrpc.loadbalancer.ServiceStatus;

/**
 * The {@code loadBalancer} part of the {@code resilientrpc} endpoint: per service, its
 * instances, whether each takes calls, its weight, its share of the hash ring and its
 * calls in flight.
 */
public class LoadBalancerEndpointContributor implements ResilientRpcEndpointContributor {

	private final ConsistentHashLoadBalancer balancer;

	/**
	 * Create a new contributor.
	 * @param balancer the balancer to show
	 */
	public LoadBalancerEndpointContributor(ConsistentHashLoadBalancer balancer) {
		this.balancer = balancer;
	}

	@Override
	public String getName() {
		return "loadBalancer";
	}

	/**
	 * Return every service called so far.
	 * @return the services by name
	 */
	@Override
	public Map<String, ServiceDescriptor> describe() {
		Map<String, ServiceDescriptor> services = new LinkedHashMap<>();
		for (ServiceStatus status : this.balancer.status()) {
			services.put(status.service(), describe(status));
		}
		return services;
	}

	/**
	 * Return one service.
	 * @param service the service name
	 * @return the service, or {@code null} if it was never called
	 */
	@Override
	public @Nullable ServiceDescriptor describe(String service) {
		ServiceStatus status = this.balancer.status(service);
		return (status != null) ? describe(status) : null;
	}

	private static ServiceDescriptor describe(ServiceStatus status) {
		List<InstanceDescriptor> instances = new ArrayList<>();
		for (InstanceStatus instance : status.instances()) {
			instances.add(new InstanceDescriptor(instance.instance().endpoint().toString(), instance.state().name(),
					instance.weight(), instance.virtualNodes(), instance.ringShare(), instance.inFlight(),
					instance.selected()));
		}
		return new ServiceDescriptor(status.ringVersion(), status.virtualNodes(), status.loadFactor(),
				status.inFlight(), status.failovers(), instances);
	}

	/**
	 * One service.
	 *
	 * @param ringVersion increases with every ring built for the service
	 * @param virtualNodes points per unit of weight
	 * @param loadFactor the bounded-loads factor, or {@code null} if loads are not
	 * bounded
	 * @param inFlight the service's calls in flight
	 * @param failovers attempts sent to an instance other than their key's owner
	 * @param instances the members
	 */
	public record ServiceDescriptor(long ringVersion, int virtualNodes, @Nullable Double loadFactor, int inFlight,
			long failovers, List<InstanceDescriptor> instances) {

	}

	/**
	 * One instance.
	 *
	 * @param endpoint its endpoint URI
	 * @param state {@code AVAILABLE}, {@code COOLING_DOWN}, {@code HEALTH_CHECK_FAILED}
	 * or {@code UNAVAILABLE}
	 * @param weight its weight
	 * @param virtualNodes its points on the ring
	 * @param ringShare the fraction of the hash space it owns
	 * @param inFlight its calls in flight
	 * @param selected attempts sent to it since it joined
	 */
	public record InstanceDescriptor(String endpoint, String state, double weight, int virtualNodes, double ringShare,
			int inFlight, long selected) {

	}

}
