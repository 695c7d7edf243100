package dev.resilientrpc.client;

/**
 * Says whether an instance may be given calls right now. An instance selector passes over an
 * instance that any bean of this type reports unavailable; the circuit breakers, for example,
 * report an instance whose breaker is open.
 */
@FunctionalInterface
public interface InstanceAvailability {

	/**
	 * Whether the instance may be given calls right now.
	 * @param instance the instance
	 * @return whether the instance is available
	 */
	boolean isAvailable(ServiceInstance instance);

}
