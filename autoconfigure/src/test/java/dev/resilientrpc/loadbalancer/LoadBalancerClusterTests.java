package dev.resilientrpc.loadbalancer;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.loadbalancer.cluster.client.NodeClientApplication;
import dev.resilientrpc.loadbalancer.cluster.client.NodeClientApplication.NodeClient;
import dev.resilientrpc.loadbalancer.cluster.server.NodeServerApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real cluster of three nodes on loopback behind the load balancer: when one node
 * stops, exactly its keys go to their successors on the ring, and they come back when it
 * returns.
 */
class LoadBalancerClusterTests {

	private static final int KEYS = 300;

	private static final ConfigurableApplicationContext[] nodes = new ConfigurableApplicationContext[3];

	private static final int[] ports = new int[3];

	private static ConfigurableApplicationContext client;

	@BeforeAll
	static void start() {
		for (int i = 0; i < 3; i++) {
			nodes[i] = startNode(0);
			ports[i] = TestPorts.portOf(nodes[i]);
		}
		client = new SpringApplicationBuilder(NodeClientApplication.class).web(WebApplicationType.NONE)
			.properties(
					"resilient-rpc.client.services.node.instances=http://127.0.0.1:" + ports[0] + ",http://127.0.0.1:"
							+ ports[1] + ",http://127.0.0.1:" + ports[2],
					// no cool-down: every call tries the owner first, so its keys return
					// as soon as it does
					"resilient-rpc.client.instance-cool-down=0s", "resilient-rpc.client.read-timeout=5s",
					// nor a breaker, which would keep calls away from the node for its
					// open-state wait
					"resilient-rpc.circuit-breaker.enabled=false")
			.run();
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.close();
		}
		for (ConfigurableApplicationContext node : nodes) {
			if (node != null) {
				node.close();
			}
		}
	}

	private static ConfigurableApplicationContext startNode(int port) {
		return new SpringApplicationBuilder(NodeServerApplication.class)
			.properties("server.port=" + port, "resilient-rpc.client.enabled=false", "spring.main.banner-mode=off")
			.run();
	}

	@Test
	void keysOfAStoppedNodeGoToTheirSuccessorsAndReturnWithIt() {
		NodeClient nodeClient = client.getBean(NodeClient.class);
		ConsistentHashLoadBalancer balancer = client.getBean(ConsistentHashLoadBalancer.class);
		HashRing ring = balancer.ring("node");
		int[] owners = new int[KEYS];
		int[] perNode = new int[3];
		for (int k = 0; k < KEYS; k++) {
			owners[k] = ring.instance(ring.ownerAt(ring.pointIndex(HashRing.hash(key(k))))).endpoint().getPort();
			assertThat(nodeClient.whoami(key(k))).as("node of %s", key(k)).isEqualTo(owners[k]);
			perNode[indexOf(owners[k])]++;
		}
		for (int count : perNode) {
			assertThat(count).isGreaterThan(KEYS / 6);
		}

		int stopped = ports[1];
		nodes[1].close();
		int moved = 0;
		for (int k = 0; k < KEYS; k++) {
			int expected = (owners[k] != stopped) ? owners[k] : successor(ring, key(k), stopped);
			assertThat(nodeClient.whoami(key(k))).as("node of %s while %s is down", key(k), stopped)
				.isEqualTo(expected);
			if (expected != owners[k]) {
				moved++;
			}
		}
		assertThat(moved).isEqualTo(perNode[1]);

		nodes[1] = startNode(stopped);
		for (int k = 0; k < KEYS; k++) {
			assertThat(nodeClient.whoami(key(k))).as("node of %s after %s is back", key(k), stopped)
				.isEqualTo(owners[k]);
		}
		assertThat(balancer.status("node").inFlight()).isZero();
	}

	/** The next distinct node clockwise from the key that is not the stopped one. */
	private static int successor(HashRing ring, String key, int stopped) {
		int start = ring.pointIndex(HashRing.hash(key));
		for (int step = 0; step < ring.pointCount(); step++) {
			ServiceInstance instance = ring.instance(ring.ownerAt((start + step) % ring.pointCount()));
			if (instance.endpoint().getPort() != stopped) {
				return instance.endpoint().getPort();
			}
		}
		throw new IllegalStateException("no successor");
	}

	private static int indexOf(int port) {
		List<Integer> list = new ArrayList<>();
		for (int p : ports) {
			list.add(p);
		}
		return list.indexOf(port);
	}

	private static String key(int k) {
		return "key-" + k;
	}

}
