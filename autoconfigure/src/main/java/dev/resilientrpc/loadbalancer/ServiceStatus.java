package dev.resilientrpc.loadbalancer;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The balancing state of one service at one moment, for metrics and the Actuator
 * endpoint.
 *
 * @param service the service name
 * @param ringVersion increases with every ring built for the service
 * @param virtualNodes points per unit of weight
 * @param loadFactor the bounded-loads factor, or {@code null} if loads are not bounded
 * @param inFlight the service's calls in flight
 * @param failovers how many attempts went to an instance other than the owner of their
 * key
 * @param instances the members, in the order they were listed
 */
public record ServiceStatus(String service, long ringVersion, int virtualNodes, @Nullable Double loadFactor,
		int inFlight, long failovers, List<InstanceStatus> instances) {

}
