package dev.resilientrpc.sample.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One kv node run as a separate JVM, started from the same jar (or classpath) as the
 * caller.
 */
public final class NodeProcess {

	/**
	 * System property with the nodes' heap size ({@code -Xmx}), {@code 256m} by default.
	 */
	public static final String HEAP_PROPERTY = "demo.node.heap";

	private static final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofMillis(500))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private static final ObjectMapper MAPPER = JsonMapper.builder().build();

	private final @Nullable Path jar;

	private final int port;

	private final List<String> arguments;

	private final Path log;

	private @Nullable Process process;

	/**
	 * Create a node; it does not start yet.
	 * @param port the HTTP port
	 * @param arguments Spring arguments such as {@code --spring.data.redis.port=...}
	 * @param log the file the node's output goes to
	 */
	public NodeProcess(int port, List<String> arguments, Path log) {
		this(null, port, arguments, log);
	}

	/**
	 * Create a node run from a given Boot jar; it does not start yet.
	 * @param jar the sample's executable jar, or {@code null} for the caller's own jar or
	 * classpath
	 * @param port the HTTP port
	 * @param arguments Spring arguments such as {@code --spring.data.redis.port=...}
	 * @param log the file the node's output goes to
	 */
	public NodeProcess(@Nullable Path jar, int port, List<String> arguments, Path log) {
		this.jar = jar;
		this.port = port;
		this.arguments = List.copyOf(arguments);
		this.log = log;
	}

	/**
	 * Return the node's base URI.
	 * @return the URI
	 */
	public String uri() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * Return the node's port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Start the JVM (appending to its log).
	 */
	public void start() {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx" + System.getProperty(HEAP_PROPERTY, "256m"));
		command.add("-XX:TieredStopAtLevel=1");
		// several nodes share the cores: one GC thread each, no background compilation
		// storms
		command.add("-XX:+UseSerialGC");
		String classpath = (this.jar != null) ? this.jar.toString() : System.getProperty("java.class.path");
		if (isBootJar(classpath)) {
			command.add("-jar");
			command.add(classpath);
		}
		else {
			command.add("-cp");
			command.add(classpath);
			command.add("dev.resilientrpc.sample.SampleApplication");
		}
		command.add("node");
		command.add("--server.port=" + this.port);
		command.addAll(this.arguments);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a node: " + command, ex);
		}
	}

	/**
	 * Wait until the node answers UP on its readiness endpoint.
	 * @param timeout how long to wait
	 */
	public void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (this.process != null && !this.process.isAlive()) {
				throw new IllegalStateException(
						"Node on port " + this.port + " exited with " + this.process.exitValue() + "; see " + this.log);
			}
			if (isReady()) {
				return;
			}
			sleep(100);
		}
		throw new IllegalStateException(
				"Node on port " + this.port + " not ready after " + timeout + "; see " + this.log);
	}

	/**
	 * Make one plain JSON-RPC call of {@code kv.<method>} to this node, with no
	 * {@code Rpc-*} header, as any JSON-RPC client would (the node forwards it to the
	 * holder of the key's slot).
	 * @param method the method, without the service name
	 * @param params the params, a JSON array
	 * @param timeout how long to wait for the response
	 * @return the result ({@code NullNode} for a null result), or {@code null} if the
	 * call got no result (an error, no answer, or no connection)
	 */
	public @Nullable JsonNode call(String method, String params, Duration timeout) {
		return answer(method, params, timeout).get("result");
	}

	/**
	 * Make one plain JSON-RPC call of {@code kv.<method>} to this node, as
	 * {@link #call(String, String, Duration)} does, and return its whole answer.
	 * @param method the method, without the service name
	 * @param params the params, a JSON array
	 * @param timeout how long to wait for the response
	 * @return the JSON-RPC response, or, when none came, an object whose
	 * {@code transport} names what went wrong
	 */
	public JsonNode answer(String method, String params, Duration timeout) {
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"kv." + method + "\",\"params\":" + params + ",\"id\":1}";
		try {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri() + "/rpc"))
				.timeout(timeout)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
			return MAPPER.readTree(response.body());
		}
		catch (IOException | RuntimeException ex) {
			return MAPPER.createObjectNode().put("transport", ex.getClass().getSimpleName());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return MAPPER.createObjectNode().put("transport", "interrupted");
		}
	}

	/**
	 * Read one of the node's Actuator endpoints.
	 * @param path the endpoint's path, such as {@code /actuator/resilientrpc}
	 * @return the body of an HTTP 200 answer, or {@code null} if none came
	 */
	public @Nullable String actuator(String path) {
		try {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create(uri() + path)).timeout(Duration.ofMillis(500)).build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? response.body() : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Run an action of one of the node's Actuator endpoints (an empty {@code POST}).
	 * @param path the action's path, such as {@code /actuator/resilientrpc/slots/kv}
	 * @return the body of an HTTP 200 answer, or {@code null} if none came
	 */
	public @Nullable String actuatorPost(String path) {
		try {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri() + path))
				.timeout(Duration.ofMinutes(2))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? response.body() : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Whether the node answers UP on its readiness endpoint.
	 * @return whether the node is ready
	 */
	public boolean isReady() {
		try {
			HttpResponse<String> response = http
				.send(HttpRequest.newBuilder(URI.create(uri() + "/actuator/health/readiness"))
					.timeout(Duration.ofSeconds(1))
					.build(), HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && response.body().contains("\"UP\"");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Kill the JVM at once (SIGKILL), as a crash would.
	 */
	public void kill() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			try {
				current.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Stop the JVM where it is (SIGSTOP), as a long GC pause, a frozen VM or a
	 * swapped-out host would: it keeps its sockets and memory but answers nothing and
	 * renews no lease.
	 */
	public void pause() {
		signal("STOP");
	}

	/**
	 * Let a {@linkplain #pause() paused} JVM go on (SIGCONT) from where it stopped.
	 */
	public void resume() {
		signal("CONT");
	}

	private void signal(String name) {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("Node on port " + this.port + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(current.pid())).inheritIO().start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + name + " " + current.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot signal the node on port " + this.port, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling the node on port " + this.port, ex);
		}
	}

	/**
	 * Stop the JVM gracefully (SIGTERM), waiting for it to exit.
	 */
	public void stop() {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.destroy();
			try {
				if (!current.waitFor(20, TimeUnit.SECONDS)) {
					current.destroyForcibly().waitFor();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				current.destroyForcibly();
			}
		}
	}

	/**
	 * Whether the JVM is running.
	 * @return whether the node process is alive
	 */
	public boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	private static boolean isBootJar(String classpath) {
		if (!classpath.endsWith(".jar") || classpath.contains(File.pathSeparator)) {
			return false;
		}
		try (JarFile jar = new JarFile(classpath)) {
			Manifest manifest = jar.getManifest();
			return manifest != null && manifest.getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
