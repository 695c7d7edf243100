package dev.resilientrpc.cluster;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instances of each service from a fixed list (the configuration properties).
 */
public class StaticServiceInstances implements ServiceInstanceSupplier {

	private final Map<String, List<ServiceInstance>> instances;

	/**
	 * Create a new supplier.
	 * @param instances the instances of each service
	 */
	public StaticServiceInstances(Map<String, List<ServiceInstance>> instances) {
		Map<String, List<ServiceInstance>> copy = new LinkedHashMap<>();
		instances.forEach((service, list) -> copy.put(service, List.copyOf(list)));
		this.instances = Map.copyOf(copy);
	}

	/**
	 * Make the endpoint of an instance from its base URI and the endpoint path.
	 * @param service the service name
	 * @param base the instance's base URI, for example {@code http://10.0.0.1:8080}
	 * @param path the endpoint path, for example {@code /rpc}
	 * @return the instance
	 */
	public static ServiceInstance instance(String service, URI base, String path) {
		String root = base.toString();
		while (root.endsWith("/")) {
			root = root.substring(0, root.length() - 1);
		}
		return new ServiceInstance(service, URI.create(root + (path.startsWith("/") ? path : "/" + path)));
	}

	@Override
	public List<ServiceInstance> getInstances(String service) {
		return this.instances.getOrDefault(service, List.of());
	}

	/**
	 * Whether any instance of the service is configured.
	 * @param service the service name
	 * @return whether the service has instances
	 */
	public boolean hasInstances(String service) {
		return !getInstances(service).isEmpty();
	}

}
