package dev.resilientrpc.loadbalancer;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * What the balancer knows about one instance at one moment, for metrics and the Actuator
 * endpoint.
 *
 * @param instance the instance
 * @param state whether it takes calls, and if not why
 * @param weight its weight
 * @param virtualNodes its number of points on the ring
 * @param ringShare the fraction of the hash space it owns, between 0 and 1
 * @param inFlight its calls in flight
 * @param selected how many attempts were sent to it since it joined
 */
public record InstanceStatus(ServiceInstance instance, State state, double weight, int virtualNodes, double ringShare,
		int inFlight, long selected) {

	/**
	 * Whether an instance takes calls.
	 */
	public enum State {

		/** It takes calls. */
		AVAILABLE,

		/** It refused a connection and is passed over until its cool-down ends. */
		COOLING_DOWN,

		/** Its last active health check failed. */
		HEALTH_CHECK_FAILED,

		/**
		 * An {@link dev.resilientrpc.client.InstanceAvailability}, such as its circuit
		 * breaker, said no.
		 */
		UNAVAILABLE

	}

}
