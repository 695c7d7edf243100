package dev.resilientrpc.loadbalancer.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.StaticServiceInstances;
import dev.resilientrpc.cluster.InstanceWeights;
import dev.resilientrpc.loadbalancer.RefreshableServiceInstances;

import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Instances of each service from a fixed list where one is configured, and otherwise from
 * a Spring Cloud {@link DiscoveryClient} (Consul, Eureka, Kubernetes, or the simple
 * property-based one), under the service's name as service id.
 *
 * <p>
 * Discovered instances are cached: the first call for a service asks the discovery
 * client, later calls get the cached list until {@link #refresh()} finds a change. The
 * list is sorted by endpoint, so that the same members always make an equal list, and it
 * stays the same object while membership is unchanged, which lets the balancer notice a
 * change by reference. An instance's weight is read from its metadata.
 */
public class DiscoveryServiceInstances implements RefreshableServiceInstances, InstanceWeights {

	private static final Log logger = LogFactory.getLog(DiscoveryServiceInstances.class);

	private final DiscoveryClient discoveryClient;

	private final ServiceInstanceSupplier configured;

	private final Function<String, String> endpointPath;

	private final String weightKey;

	private final ConcurrentMap<String, Discovered> discovered = new ConcurrentHashMap<>();

	/**
	 * Create a new supplier.
	 * @param discoveryClient the discovery client
	 * @param configured the configured instances, which take precedence for a service
	 * that has any
	 * @param endpointPath the path of the JSON-RPC endpoint of each service, such as
	 * {@code /rpc}
	 * @param weightKey the metadata key that holds an instance's weight
	 */
	public DiscoveryServiceInstances(DiscoveryClient discoveryClient, ServiceInstanceSupplier configured,
			Function<String, String> endpointPath, String weightKey) {
		this.discoveryClient = discoveryClient;
		this.configured = configured;
		this.endpointPath = endpointPath;
		this.weightKey = weightKey;
	}

	@Override
	public List<ServiceInstance> getInstances(String service) {
		List<ServiceInstance> instances = this.configured.getInstances(service);
		if (!instances.isEmpty()) {
			return instances;
		}
		Discovered known = this.discovered.get(service);
		if (known == null) {
			known = this.discovered.computeIfAbsent(service, (name) -> discover(name, Discovered.NONE));
		}
		return known.instances();
	}

	@Override
	public double weightOf(ServiceInstance instance) {
		Discovered known = this.discovered.get(instance.service());
		Double weight = (known != null) ? known.weights().get(instance) : null;
		return (weight != null) ? weight : 1.0;
	}

	/**
	 * Ask the discovery client again for every service asked for so far, and replace the
	 * cached list of each service whose members or weights changed.
	 * @return the services whose instances changed
	 */
	@Override
	public List<String> refresh() {
		List<String> changed = new ArrayList<>();
		for (Map.Entry<String, Discovered> entry : this.discovered.entrySet()) {
			Discovered fresh = discover(entry.getKey(), entry.getValue());
			if (fresh != entry.getValue()) {
				this.discovered.put(entry.getKey(), fresh);
				changed.add(entry.getKey());
			}
		}
		return changed;
	}

	private Discovered discover(String service, Discovered previous) {
		List<org.springframework.cloud.client.ServiceInstance> found;
		try {
			found = this.discoveryClient.getInstances(service);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot discover instances of service '" + service + "'; keeping the "
					+ previous.instances().size() + " known", ex);
			return previous;
		}
		String path = this.endpointPath.apply(service);
		List<ServiceInstance> instances = new ArrayList<>(found.size());
		Map<ServiceInstance, Double> weights = new HashMap<>();
		for (org.springframework.cloud.client.ServiceInstance candidate : found) {
			URI base = candidate.getUri();
			if (base == null || base.getHost() == null) {
				logger.warn("Ignoring instance " + candidate.getInstanceId() + " of service '" + service
						+ "' without a host");
				continue;
			}
			ServiceInstance instance = StaticServiceInstances.instance(service, base, path);
			instances.add(instance);
			Double weight = weight(service, candidate);
			if (weight != null) {
				weights.put(instance, weight);
			}
		}
		instances.sort(Comparator.comparing((instance) -> instance.endpoint().toString()));
		Discovered fresh = new Discovered(List.copyOf(instances), Map.copyOf(weights));
		return fresh.equals(previous) ? previous : fresh;
	}

	private @Nullable Double weight(String service, org.springframework.cloud.client.ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		String value = (metadata != null) ? metadata.get(this.weightKey) : null;
		if (value == null) {
			return null;
		}
		try {
			double weight = Double.parseDouble(value.trim());
			if (weight > 0 && !Double.isInfinite(weight)) {
				return weight;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		logger.warn("Ignoring weight '" + value + "' of instance " + instance.getUri() + " of service '" + service
				+ "' (expected: a number > 0)");
		return null;
	}

	private record Discovered(List<ServiceInstance> instances, Map<ServiceInstance, Double> weights) {

		static final Discovered NONE = new Discovered(List.of(), Map.of());

	}

}
