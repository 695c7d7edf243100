package dev.resilientrpc.loadbalancer;

import java.util.List;

import dev.resilientrpc.cluster.ServiceInstanceSupplier;

/**
 * A supplier of instances that caches what it found and must be asked to look again, such
 * as one backed by a service registry. The balancer's scheduler calls {@link #refresh()}
 * on an interval and rebuilds the rings of the services it names.
 */
public interface RefreshableServiceInstances extends ServiceInstanceSupplier {

	/**
	 * Look for the instances of every known service again.
	 * @return the services whose instances changed
	 */
	List<String> refresh();

}
