package dev.resilientrpc.loadbalancer;

import dev.resilientrpc.client.ServiceInstance;

/**
 * Gives the weight of an instance on the hash ring: an instance of weight 2 gets twice the
 * virtual nodes, so twice the keys, of an instance of weight 1.
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

}
