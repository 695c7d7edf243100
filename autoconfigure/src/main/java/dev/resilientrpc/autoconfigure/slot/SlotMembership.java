package dev.resilientrpc.autoconfigure.slot;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Which entry of a service's instance list is this node: the one that
 * {@code resilient-rpc.slots.instance} names, else the only one on a local address with
 * {@code server.port}. A node of a service without a list is alone.
 */
final class SlotMembership {

	private static final Log logger = LogFactory.getLog(SlotMembership.class);

	private SlotMembership() {
	}

	static ServiceInstance self(String service, List<ServiceInstance> members, @Nullable URI configured,
			@Nullable Integer serverPort, boolean discovered) {
		if (members.isEmpty() && !discovered) {
			// alone: an identity of its own, so that two such nodes on one Redis never
			// pass for each other
			URI uri = (configured != null) ? configured
					: URI.create("http://standalone-" + UUID.randomUUID() + ".invalid/rpc");
			logger.info("No instances of service '" + service + "' are listed (resilient-rpc.client.services." + service
					+ ".instances or discovery): this node holds every slot of its state alone");
			return new ServiceInstance(service, uri);
		}
		if (configured != null) {
			String base = base(configured);
			for (ServiceInstance member : members) {
				if (base(member.endpoint()).equals(base)) {
					return member;
				}
			}
			if (discovered) {
				// discovery lists a node once it runs: until then it holds no slots
				logger.info("This node (" + base + ") is not yet among the instances of service '" + service + "' "
						+ bases(members) + " that discovery reports; it holds no slots until it is");
				String path = configured.getRawPath();
				return new ServiceInstance(service, (path == null || path.isEmpty() || path.equals("/"))
						? URI.create(base + path(members)) : configured);
			}
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.slots.instance", configured,
					"is not among the instances of service '" + service + "' " + bases(members));
		}
		if (serverPort == null || serverPort <= 0) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.slots.instance", null,
					"cannot tell which instance of service '" + service + "' " + bases(members) + " this node is: "
							+ "server.port is not fixed; set it, or set this property to this node's URI");
		}
		List<ServiceInstance> matches = new ArrayList<>();
		for (ServiceInstance member : members) {
			if (port(member.endpoint()) == serverPort && isLocal(member.endpoint().getHost())) {
				matches.add(member);
			}
		}
		if (matches.isEmpty() && discovered) {
			URI derived = URI.create("http://" + localAddress() + ":" + serverPort + path(members));
			logger.info("This node is not yet among the instances of service '" + service + "' " + bases(members)
					+ " that discovery reports; it takes " + derived
					+ " as its own (set resilient-rpc.slots.instance to the URI discovery will list"
					+ " for it if that differs) and holds no slots until discovery lists it");
			return new ServiceInstance(service, derived);
		}
		if (matches.size() != 1) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.slots.instance", null,
					((matches.isEmpty()) ? "no" : matches.size()) + " instances of service '" + service + "' "
							+ bases(members) + " are on a local address with port " + serverPort
							+ " (server.port); set this property to this node's URI as listed");
		}
		return matches.get(0);
	}

	private static String localAddress() {
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			return InetAddress.getLoopbackAddress().getHostAddress();
		}
	}

	private static String path(List<ServiceInstance> members) {
		return members.isEmpty() ? "/rpc" : members.get(0).endpoint().getRawPath();
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
