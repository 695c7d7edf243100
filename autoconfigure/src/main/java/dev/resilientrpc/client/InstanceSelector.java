package dev.resilientrpc.client;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * The client interceptor that picks the instance each attempt goes to (it calls
 * {@link ClientCall#setTarget(ServiceInstance)} before proceeding). There is one per
 * application; a bean of this type replaces the default
 * {@link FirstHealthyInstanceSelector}. A retry runs the selector again, so a selector
 * can send it to another instance.
 */
public interface InstanceSelector extends ClientInterceptor {

}
