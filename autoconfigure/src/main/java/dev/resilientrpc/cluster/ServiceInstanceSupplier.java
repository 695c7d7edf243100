package dev.resilientrpc.cluster;

import java.util.List;

/**
 * Supplies the current instances of a service.
 */
@FunctionalInterface
public interface ServiceInstanceSupplier {

	/**
	 * Return the current instances of the service, in their configured order.
	 * @param service the service name
	 * @return the instances, empty if none is known
	 */
	List<ServiceInstance> getInstances(String service);

}
