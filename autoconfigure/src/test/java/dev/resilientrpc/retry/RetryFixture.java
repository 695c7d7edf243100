package dev.resilientrpc.retry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.retry.client.RetryClientApplication;
import dev.resilientrpc.retry.server.FaultServerApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One fault-injecting server, one server that closes every connection and one client,
 * started once for all retry integration tests of a test run (contexts close with the
 * JVM). Every service of the client has its own policy; tests use ids of their own.
 */
public final class RetryFixture {

	private static RetryFixture instance;

	private final ConfigurableApplicationContext server;

	private final ConfigurableApplicationContext client;

	private final ConnectionCloser closer;

	private final int port;

	private RetryFixture() {
		this.port = TestPorts.closedPort();
		this.server = new SpringApplicationBuilder(FaultServerApplication.class)
			.properties("server.port=" + this.port, "server.address=0.0.0.0",
					"resilient-rpc.client.services.faulty.instances=http://127.0.0.1:" + this.port)
			.run();
		this.closer = new ConnectionCloser();
		this.client = startClient();
	}

	/**
	 * Start a client context with the fixture's services and policies.
	 * @param extraProperties more properties
	 * @return the context
	 */
	public ConfigurableApplicationContext startClient(String... extraProperties) {
		String faulty = "http://127.0.0.1:" + this.port;
		return new SpringApplicationBuilder(RetryClientApplication.class).web(WebApplicationType.NONE)
			.properties(extraProperties)
			.properties("resilient-rpc.client.read-timeout=3s",
					// services: "faulty" (the interfaces choose policies), and the
					// special ones
					"resilient-rpc.client.services.faulty.instances=" + faulty,
					"resilient-rpc.client.services.dedup.instances=" + faulty,
					"resilient-rpc.client.services.dedup.idempotent=true",
					"resilient-rpc.client.services.dedup.retry=fixed",
					"resilient-rpc.client.services.down.instances=http://127.0.0.1:" + TestPorts.closedPort(),
					"resilient-rpc.client.services.outage.instances=" + faulty,
					"resilient-rpc.client.services.outage.retry=outage",
					"resilient-rpc.client.services.cluster.instances=http://" + FaultServerApplication.BROKEN_HOST + ":"
							+ this.port + ",http://127.0.0.1:" + this.port + ",http://127.0.0.2:" + this.port,
					"resilient-rpc.client.services.closing.instances=http://127.0.0.1:" + this.closer.port(),
					// policies
					"resilient-rpc.retry.policies.default.backoff=fixed",
					"resilient-rpc.retry.policies.default.delay=10ms",
					"resilient-rpc.retry.policies.default.retry-exceptions=java.util.ConcurrentModificationException",
					"resilient-rpc.retry.policies.single.max-attempts=1",
					"resilient-rpc.retry.policies.fixed.max-attempts=4",
					"resilient-rpc.retry.policies.fixed.delay=100ms",
					"resilient-rpc.retry.policies.random.max-attempts=6",
					"resilient-rpc.retry.policies.random.backoff=random",
					"resilient-rpc.retry.policies.random.min-delay=20ms",
					"resilient-rpc.retry.policies.random.max-delay=200ms",
					"resilient-rpc.retry.policies.exponential.max-attempts=6",
					"resilient-rpc.retry.policies.exponential.backoff=exponential",
					"resilient-rpc.retry.policies.exponential.initial-delay=50ms",
					"resilient-rpc.retry.policies.exponential.multiplier=2",
					"resilient-rpc.retry.policies.exponential.max-delay=300ms",
					"resilient-rpc.retry.policies.exponential.jitter=0",
					"resilient-rpc.retry.policies.jittery.base-policy=exponential",
					"resilient-rpc.retry.policies.jittery.max-attempts=5",
					"resilient-rpc.retry.policies.jittery.initial-delay=100ms",
					"resilient-rpc.retry.policies.jittery.max-delay=10s",
					"resilient-rpc.retry.policies.jittery.jitter=0.5",
					"resilient-rpc.retry.policies.outage.max-attempts=5",
					"resilient-rpc.retry.policies.deadline.max-attempts=10",
					"resilient-rpc.retry.policies.deadline.delay=100ms",
					"resilient-rpc.retry.policies.deadline.timeout=350ms",
					"resilient-rpc.retry.policies.patient.attempt-timeout=300ms",
					// budgets: large enough never to matter, except for the outage
					"resilient-rpc.retry.budget.max-tokens=1000000",
					"resilient-rpc.retry.budget.services.outage.max-tokens=10",
					"resilient-rpc.retry.budget.services.outage.token-ratio=0.1",
					// breakers of the cluster open after two calls, one of them failed
					"resilience4j.circuitbreaker.configs.cluster.sliding-window-size=2",
					"resilience4j.circuitbreaker.configs.cluster.minimum-number-of-calls=2",
					"resilience4j.circuitbreaker.configs.cluster.failure-rate-threshold=50",
					"resilience4j.circuitbreaker.configs.cluster.wait-duration-in-open-state=1h",
					// these servers answer many scripted failures: their breakers must
					// stay closed
					"resilience4j.circuitbreaker.configs.outage.sliding-window-size=1000",
					"resilience4j.circuitbreaker.configs.outage.minimum-number-of-calls=1000",
					"resilience4j.circuitbreaker.configs.faulty.sliding-window-size=1000",
					"resilience4j.circuitbreaker.configs.faulty.minimum-number-of-calls=1000")
			.run();
	}

	/**
	 * Return the fixture, starting it on first use.
	 * @return the fixture
	 */
	public static synchronized RetryFixture get() {
		if (instance == null) {
			instance = new RetryFixture();
		}
		return instance;
	}

	/**
	 * Return the client context.
	 * @return the context
	 */
	public ConfigurableApplicationContext client() {
		return this.client;
	}

	/**
	 * Return a bean of the client context.
	 * @param <T> the type
	 * @param type the type
	 * @return the bean
	 */
	public <T> T client(Class<T> type) {
		return this.client.getBean(type);
	}

	/**
	 * Return the server context.
	 * @return the context
	 */
	public ConfigurableApplicationContext server() {
		return this.server;
	}

	/**
	 * Return the fault server's port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the server that closes every connection.
	 * @return the server
	 */
	public ConnectionCloser closer() {
		return this.closer;
	}

	/**
	 * A server that reads the start of each request and closes the connection without an
	 * answer.
	 */
	public static final class ConnectionCloser {

		private final ServerSocket socket;

		private final AtomicInteger connections = new AtomicInteger();

		ConnectionCloser() {
			try {
				this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			Thread thread = new Thread(this::serve, "connection-closer");
			thread.setDaemon(true);
			thread.start();
		}

		private void serve() {
			while (!this.socket.isClosed()) {
				try (Socket connection = this.socket.accept()) {
					this.connections.incrementAndGet();
					InputStream in = connection.getInputStream();
					in.read(new byte[8192]);
				}
				catch (IOException ex) {
					// next connection
				}
			}
		}

		/**
		 * Return the port.
		 * @return the port
		 */
		public int port() {
			return this.socket.getLocalPort();
		}

		/**
		 * Return how many connections were accepted.
		 * @return the count
		 */
		public int connections() {
			return this.connections.get();
		}

	}

}
