package dev.resilientrpc.cluster;

import java.util.Map;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;

/**
 * Gives the weight of an instance on the hash ring: an instance of weight 2 gets twice
 * the virtual nodes, so twice the keys, of an instance of weight 1.
 */
@FunctionalInterface
public interface InstanceWeights {

	/**
	 * Weights that are all 1.
	 */
	InstanceWeights EQUAL = (instance) -> 1.0;

	/**
	 * Return the weight of an instance.
	 * @param instance the instance
	 * @return its weight, a finite number greater than 0
	 */
	double weightOf(ServiceInstance instance);

	/**
	 * Weights configured by base URI ({@code http://host:port}) where given, else those
	 * the instance supplier knows (discovery metadata), else 1. Clients and servers use
	 * the same rule, so that both build the same ring.
	 * @param configured weights by base URI
	 * @param instances the instance supplier
	 * @return the weights
	 */
	static InstanceWeights of(Map<String, Double> configured, ServiceInstanceSupplier instances) {
		InstanceWeights supplied = (instances instanceof InstanceWeights weights) ? weights : EQUAL;
		if (configured.isEmpty()) {
			return supplied;
		}
		return (instance) -> {
			Double weight = configured
				.get(instance.endpoint().getScheme() + "://" + instance.endpoint().getRawAuthority());
			return (weight != null) ? weight : supplied.weightOf(instance);
		};
	}

}
