package dev.resilientrpc.failover;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.InstanceWeights;

/**
 * The server's view of a service's ring: the same {@link HashRing} (instances, virtual
 * nodes, weights) the clients' load balancer builds, so that both sides agree on which
 * instance owns a key, and this node's own entry in it.
 *
 * <p>
 * Membership comes from the same {@link ServiceInstanceSupplier} as on clients (the
 * static instance list or discovery); the ring is rebuilt when the supplier returns a
 * different list.
 */
public final class PartitionRing {

	private static final Pattern NOT_IN_NODE_ID = Pattern.compile("[^A-Za-z0-9._:@-]");

	private final String service;

	private final ServiceInstanceSupplier instances;

	private final int virtualNodes;

	private final InstanceWeights weights;

	private final ServiceInstance self;

	private volatile Built built = new Built(List.of(), HashRing.empty());

	/**
	 * Create a ring.
	 * @param service the service name
	 * @param instances the supplier of its instances
	 * @param virtualNodes the points per unit of weight, as on clients
	 * @param weights the weights, as on clients
	 * @param self this node's entry among the instances
	 */
	public PartitionRing(String service, ServiceInstanceSupplier instances, int virtualNodes, InstanceWeights weights,
			ServiceInstance self) {
		this.service = service;
		this.instances = instances;
		this.virtualNodes = virtualNodes;
		this.weights = weights;
		this.self = self;
	}

	/**
	 * Return the node id of an instance: the identity under which its checkpoints are
	 * stored, {@code <host>:<port>} of its endpoint, so that every node computes it for
	 * any instance from the instance list.
	 * @param instance the instance
	 * @return the node id
	 */
	public static String nodeId(ServiceInstance instance) {
		String host = String.valueOf(instance.endpoint().getHost());
		int port = instance.endpoint().getPort();
		if (port < 0) {
			port = "https".equalsIgnoreCase(instance.endpoint().getScheme()) ? 443 : 80;
		}
		return NOT_IN_NODE_ID.matcher(host).replaceAll("-") + ":" + port;
	}

	/**
	 * Return the service name.
	 * @return the service
	 */
	public String getService() {
		return this.service;
	}

	/**
	 * Return this node's entry.
	 * @return this node
	 */
	public ServiceInstance getSelf() {
		return this.self;
	}

	/**
	 * Return the instance owning a key on the full ring, whether or not it is up.
	 * @param key the key
	 * @return the owner, or {@code null} if no instance is known
	 */
	public @Nullable ServiceInstance owner(String key) {
		HashRing ring = ring();
		return ring.isEmpty() ? null : ring.locate(key);
	}

	/**
	 * Return the current ring.
	 * @return the ring
	 */
	public HashRing ring() {
		List<ServiceInstance> current = this.instances.getInstances(this.service);
		Built last = this.built;
		if (current == last.instances || current.equals(last.instances)) {
			return last.ring;
		}
		HashRing ring = HashRing.of(current, this.virtualNodes, this.weights);
		this.built = new Built(current, ring);
		return ring;
	}

	private record Built(List<ServiceInstance> instances, HashRing ring) {

	}

}
