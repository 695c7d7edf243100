package dev.resilientrpc.autoconfigure.failover;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.failover.FailoverServerInterceptor;
import dev.resilientrpc.failover.PartitionRing;
import dev.resilientrpc.failover.PartitionedState;
import dev.resilientrpc.cluster.InstanceWeights;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Which services fail over, their rings, and which entry of each is this node: the node
 * id of this process's checkpoints is derived from that entry, so that any node can
 * compute it.
 */
final class FailoverMembership {

	private static final Log logger = LogFactory.getLog(FailoverMembership.class);

	private final List<FailoverServerInterceptor.Partitioned> services;

	private final @Nullable String nodeId;

	private FailoverMembership(List<FailoverServerInterceptor.Partitioned> services, @Nullable String nodeId) {
		this.services = services;
		this.nodeId = nodeId;
	}

	List<FailoverServerInterceptor.Partitioned> services() {
		return this.services;
	}

	/**
	 * Return the node id derived from this node's entry.
	 * @return the node id, or {@code null} if no service fails over
	 */
	@Nullable String nodeId() {
		return this.nodeId;
	}

	static FailoverMembership resolve(List<PartitionedState<?>> states, ServiceInstanceSupplier instances,
			int virtualNodes, InstanceWeights weights, @Nullable URI configured, @Nullable Integer serverPort) {
		List<FailoverServerInterceptor.Partitioned> services = new ArrayList<>();
		String nodeId = null;
		for (PartitionedState<?> state : states) {
			String service = state.getCheckpointName();
			List<ServiceInstance> members = instances.getInstances(service);
			if (members.isEmpty()) {
				logger.warn("No instances of service '" + service + "' are known (resilient-rpc.client.services."
						+ service + ".instances or discovery): its keys do not fail over to other nodes");
				continue;
			}
			ServiceInstance self = self(service, members, configured, serverPort);
			String id = PartitionRing.nodeId(self);
			if (nodeId != null && !nodeId.equals(id)) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.failover.instance", configured,
						"this node is " + nodeId + " in one service's instance list and " + id + " in that of '"
								+ service + "'; list it under the same host and port everywhere");
			}
			nodeId = id;
			services.add(new FailoverServerInterceptor.Partitioned(
					new PartitionRing(service, instances, virtualNodes, weights, self), state));
		}
		return new FailoverMembership(List.copyOf(services), nodeId);
	}

	private static ServiceInstance self(String service, List<ServiceInstance> members, @Nullable URI configured,
			@Nullable Integer serverPort) {
		if (configured != null) {
			String base = base(configured);
			for (ServiceInstance member : members) {
				if (base(member.endpoint()).equals(base)) {
					return member;
				}
			}
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.failover.instance", configured,
					"is not among the instances of service '" + service + "' " + bases(members));
		}
		if (serverPort == null || serverPort <= 0) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.failover.instance", null,
					"cannot tell which instance of service '" + service + "' " + bases(members)
							+ " this node is: server.port is not fixed; set it, or set this property to this node's URI");
		}
		List<ServiceInstance> matches = new ArrayList<>();
		for (ServiceInstance member : members) {
			if (port(member.endpoint()) == serverPort && isLocal(member.endpoint().getHost())) {
				matches.add(member);
			}
		}
		if (matches.size() != 1) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.failover.instance", null,
					((matches.isEmpty()) ? "no" : matches.size()) + " instances of service '" + service + "' "
							+ bases(members) + " are on a local address with port " + serverPort
							+ " (server.port); set this property to this node's URI as listed");
		}
		return matches.get(0);
	}

	private static List<String> bases(List<ServiceInstance> members) {
		return members.stream().map((member) -> base(member.endpoint())).toList();
	}

	private static String base(URI uri) {
		return uri.getScheme() + "://" + uri.getRawAuthority();
	}

	private static int port(URI uri) {
		if (uri.getPort() >= 0) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	private static boolean isLocal(@Nullable String host) {
		if (host == null) {
			return false;
		}
		try {
			InetAddress address = InetAddress.getByName(host);
			return address.isLoopbackAddress() || address.isAnyLocalAddress()
					|| NetworkInterface.getByInetAddress(address) != null;
		}
		catch (Exception ex) {
			return false;
		}
	}

}
