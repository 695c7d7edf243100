package dev.resilientrpc.client;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * Says whether an instance may take calls now, for example because its circuit breaker is
 * closed. An instance selector that honours availability consults every bean of this
 * type: an instance is available only when all of them say so. Implementations are called
 * on the hot path of every call and must answer quickly, without I/O.
 */
@FunctionalInterface
public interface InstanceAvailability {

	/**
	 * Whether the instance may take calls now.
	 * @param instance the instance
	 * @return {@code true} if calls may be sent to it
	 */
	boolean isAvailable(ServiceInstance instance);

}
