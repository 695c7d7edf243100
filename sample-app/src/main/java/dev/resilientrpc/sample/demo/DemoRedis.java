package dev.resilientrpc.sample.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;
import redis.embedded.RedisServer;

/**
 * The demo's Redis: the one configured with {@code spring.data.redis.*} (arguments,
 * system properties or environment), or else an embedded {@code redis-server} on a free
 * port, with an append-only file synced on every write so that it survives its own
 * restart.
 */
public final class DemoRedis implements AutoCloseable {

	private final String host;

	private final int port;

	private final @Nullable RedisServer embedded;

	private DemoRedis(String host, int port, @Nullable RedisServer embedded) {
		this.host = host;
		this.port = port;
		this.embedded = embedded;
	}

	static DemoRedis start(List<String> args, boolean forceEmbedded) {
		if (forceEmbedded) {
			return embedded();
		}
		String host = setting(args, "spring.data.redis.host");
		String port = setting(args, "spring.data.redis.port");
		String url = setting(args, "spring.data.redis.url");
		if (url != null) {
			java.net.URI uri = java.net.URI.create(url);
			return new DemoRedis(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379, null);
		}
		if (host != null || port != null) {
			return new DemoRedis((host != null) ? host : "localhost", (port != null) ? Integer.parseInt(port) : 6379,
					null);
		}
		return embedded();
	}

	/**
	 * Start an embedded Redis on a free port, with an append-only file synced on every
	 * write.
	 * @return the running Redis
	 */
	public static DemoRedis embedded() {
		int free = Ports.free();
		try {
			Path dir = Files.createTempDirectory("resilient-rpc-demo-redis-");
			RedisServer server = RedisServer.newRedisServer()
				.port(free)
				.bind("127.0.0.1")
				.setting("dir " + dir)
				.setting("appendonly yes")
				.setting("appendfsync always")
				.setting("save \"\"")
				.build();
			server.start();
			return new DemoRedis("127.0.0.1", free, server);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the embedded Redis", ex);
		}
	}

	private static @Nullable String setting(List<String> args, String name) {
		for (String arg : args) {
			if (arg.startsWith("--" + name + "=")) {
				return arg.substring(name.length() + 3);
			}
		}
		String value = System.getProperty(name);
		if (value == null) {
			value = System.getenv(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
		}
		return value;
	}

	/**
	 * Return the host Redis listens on.
	 * @return the host
	 */
	public String host() {
		return this.host;
	}

	/**
	 * Return the port Redis listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	boolean isEmbedded() {
		return this.embedded != null;
	}

	/**
	 * Stop the embedded Redis (its append-only file keeps every acknowledged write).
	 */
	void stop() {
		try {
			requireEmbedded().stop();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot stop the embedded Redis", ex);
		}
	}

	/**
	 * Start the embedded Redis again on the same port and directory.
	 */
	void start() {
		try {
			requireEmbedded().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot restart the embedded Redis", ex);
		}
	}

	/**
	 * Make Redis lose everything, as a restart without persistence would.
	 */
	void flushAll() {
		try (java.net.Socket socket = new java.net.Socket(this.host, this.port)) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write("FLUSHALL\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			int first = socket.getInputStream().read();
			if (first != '+') {
				throw new IllegalStateException("FLUSHALL was refused");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot flush Redis", ex);
		}
	}

	private RedisServer requireEmbedded() {
		if (this.embedded == null) {
			throw new IllegalStateException("The demo restarts only the Redis it started itself; "
					+ "run it without spring.data.redis.* for --demo.fault=restart-redis");
		}
		return this.embedded;
	}

	@Override
	public void close() {
		if (this.embedded != null) {
			try {
				this.embedded.stop();
			}
			catch (IOException ex) {
				// stopping is best effort at the end of the demo
			}
		}
	}

}
