package dev.resilientrpc.test.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * JUnit Jupiter extension that runs one or more private {@code redis-server} processes
 * ({@link RedisProcess}) for the tests of a class: they start before all tests and are
 * stopped, and their data directories deleted, after all tests.
 * <p>
 * Register it on a static field: <pre class="code">
 * &#064;RegisterExtension
 * static final RedisServerExtension redis = RedisServerExtension.create()
 *         .withArgs("--appendonly", "yes", "--appendfsync", "always");
 *
 * &#064;DynamicPropertySource
 * static void redisProperties(DynamicPropertyRegistry registry) {
 *     redis.registerSpringProperties(registry);
 * }
 * </pre> With {@link #servers(int)} it runs several independent servers (each with its
 * own port and data directory, all with the same arguments), for example the masters of a
 * cluster. {@link #start()} and {@link #stop()} drive it by hand outside of JUnit. Nested
 * test classes share the servers of their enclosing class.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

	private final List<String> arguments = new ArrayList<>();

	private @Nullable RedisBinary binary;

	private int count = 1;

	private final List<RedisProcess> servers = new ArrayList<>();

	private int activations;

	private RedisServerExtension() {
	}

	/**
	 * Create an extension that runs one server with the preferred binary and default
	 * arguments.
	 * @return the extension
	 */
	public static RedisServerExtension create() {
		return new RedisServerExtension();
	}

	/**
	 * Add extra {@code redis-server} arguments, such as
	 * {@code "--cluster-enabled", "yes"}.
	 * @param arguments the arguments
	 * @return this extension
	 */
	public synchronized RedisServerExtension withArgs(String... arguments) {
		assertNotStarted();
		this.arguments.addAll(Arrays.asList(arguments));
		return this;
	}

	/**
	 * Use the given binary instead of the {@link RedisBinary#preferred() preferred} one.
	 * @param binary the binary
	 * @return this extension
	 */
	public synchronized RedisServerExtension withBinary(RedisBinary binary) {
		assertNotStarted();
		this.binary = binary;
		return this;
	}

	/**
	 * Run the given number of independent servers.
	 * @param count the number of servers, at least 1
	 * @return this extension
	 */
	public synchronized RedisServerExtension servers(int count) {
		assertNotStarted();
		if (count < 1) {
			throw new IllegalArgumentException("At least one server is needed, got " + count);
		}
		this.count = count;
		return this;
	}

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		if (this.activations++ == 0) {
			try {
				start();
			}
			catch (RuntimeException ex) {
				this.activations = 0;
				throw ex;
			}
		}
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		if (this.activations > 0 && --this.activations == 0) {
			stop();
		}
	}

	/**
	 * Start the servers. If one fails to start, those already started are stopped.
	 * @throws IllegalStateException if they are already started or one fails to start
	 */
	public synchronized void start() {
		assertNotStarted();
		RedisBinary resolved = binary();
		try {
			for (int i = 0; i < this.count; i++) {
				RedisProcess server = RedisProcess.create(resolved, this.arguments,
						RedisProcess.DEFAULT_STARTUP_TIMEOUT);
				this.servers.add(server);
				server.start();
			}
		}
		catch (RuntimeException ex) {
			try {
				stop();
			}
			catch (RuntimeException suppressed) {
				ex.addSuppressed(suppressed);
			}
			throw ex;
		}
	}

	/**
	 * Stop the servers and delete their data directories. Does nothing if they are not
	 * started.
	 */
	public synchronized void stop() {
		@Nullable RuntimeException failure = null;
		for (RedisProcess server : this.servers) {
			try {
				server.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		this.servers.clear();
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * Return the binary the servers run: the one given to {@link #withBinary} or else the
	 * {@link RedisBinary#preferred() preferred} one.
	 * @return the binary
	 */
	public synchronized RedisBinary binary() {
		RedisBinary configured = this.binary;
		return (configured != null) ? configured : RedisBinary.preferred();
	}

	/**
	 * Return the first (or only) server.
	 * @return the server
	 * @throws IllegalStateException if the servers are not started
	 */
	public RedisProcess server() {
		return server(0);
	}

	/**
	 * Return a server.
	 * @param index the index of the server, from 0
	 * @return the server
	 * @throws IllegalStateException if the servers are not started
	 * @throws IndexOutOfBoundsException if there is no server with that index
	 */
	public synchronized RedisProcess server(int index) {
		return servers().get(index);
	}

	/**
	 * Return all servers, in creation order.
	 * @return the servers
	 * @throws IllegalStateException if the servers are not started
	 */
	public synchronized List<RedisProcess> servers() {
		if (this.servers.isEmpty()) {
			throw new IllegalStateException("The redis servers are not started; register " + getClass().getSimpleName()
					+ " with @RegisterExtension on a static field");
		}
		return List.copyOf(this.servers);
	}

	/**
	 * Return Spring Boot properties that point {@code spring.data.redis} at the first
	 * server.
	 * @return {@code spring.data.redis.host} and {@code spring.data.redis.port}
	 * @see RedisProcess#springProperties()
	 */
	public Map<String, String> springProperties() {
		return server().springProperties();
	}

	/**
	 * Return {@link #springProperties()} as {@code key=value} pairs, for
	 * {@code ApplicationContextRunner.withPropertyValues(...)}.
	 * @return the properties
	 */
	public String[] springPropertyValues() {
		return springProperties().entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	/**
	 * Register {@link #springProperties()} with a {@code @DynamicPropertySource}
	 * registry. The values are read when the application context is created, so this can
	 * be called before the servers are started.
	 * @param registry the registry
	 */
	public void registerSpringProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> server().host());
		registry.add("spring.data.redis.port", () -> server().port());
	}

	private void assertNotStarted() {
		if (!this.servers.isEmpty()) {
			throw new IllegalStateException("The redis servers are already started");
		}
	}

}
