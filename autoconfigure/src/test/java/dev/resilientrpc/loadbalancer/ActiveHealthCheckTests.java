package dev.resilientrpc.loadbalancer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.it.TestPorts;

import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ActiveHealthCheck} against a small HTTP server on loopback.
 */
class ActiveHealthCheckTests {

	private HttpServer server;

	private final AtomicInteger status = new AtomicInteger(200);

	private ServiceInstance healthy;

	private ServiceInstance closed;

	private ConsistentHashLoadBalancer balancer;

	private ActiveHealthCheck healthCheck;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/actuator/health", (exchange) -> {
			exchange.sendResponseHeaders(this.status.get(), -1);
			exchange.close();
		});
		this.server.start();
		this.healthy = new ServiceInstance(SERVICE,
				URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/rpc"));
		this.closed = new ServiceInstance(SERVICE, URI.create("http://127.0.0.1:" + TestPorts.closedPort() + "/rpc"));
		this.balancer = ConsistentHashLoadBalancer.builder((service) -> List.of(this.healthy, this.closed)).build();
		this.balancer.refresh(SERVICE);
		this.healthCheck = new ActiveHealthCheck(this.balancer, HttpClient.newHttpClient(), "/actuator/health",
				Duration.ofSeconds(2));
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void instanceThatFailsTheCheckIsPassedOverUntilItPassesAgain() {
		assertThat(this.healthCheck.check()).isEqualTo(1);
		assertThat(states()).containsExactly(InstanceStatus.State.AVAILABLE, InstanceStatus.State.HEALTH_CHECK_FAILED);
		for (int i = 0; i < 200; i++) {
			try (ConsistentHashLoadBalancer.Lease lease = this.balancer.lease(SERVICE, "key-" + i)) {
				assertThat(lease.instance()).isEqualTo(this.healthy);
			}
		}
		this.status.set(503);
		assertThat(this.healthCheck.check()).isEqualTo(2);
		assertThat(states()).containsOnly(InstanceStatus.State.HEALTH_CHECK_FAILED);
		this.status.set(204);
		assertThat(this.healthCheck.check()).isEqualTo(1);
		assertThat(states().get(0)).isEqualTo(InstanceStatus.State.AVAILABLE);
	}

	@Test
	void checkGoesToTheInstanceRootWithThePath() {
		assertThat(this.healthCheck.healthUri(this.healthy).toString())
			.isEqualTo("http://127.0.0.1:" + this.server.getAddress().getPort() + "/actuator/health");
	}

	@Test
	void pathMustBeAbsolute() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> new ActiveHealthCheck(this.balancer, HttpClient.newHttpClient(), "health", Duration.ofSeconds(1)))
			.withMessage("path: health (expected: starting with '/')");
	}

	private List<InstanceStatus.State> states() {
		return this.balancer.status(SERVICE).instances().stream().map(InstanceStatus::state).toList();
	}

}
