package dev.resilientrpc.sample.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket of JSON commands),
 * with nothing but the JDK and Jackson: navigate, evaluate JavaScript in the page, take a
 * screenshot. {@link #find()} looks for the Debian package's binary and, where there is
 * none, installs it with {@code apt-get} when it can.
 */
public final class HeadlessChromium implements AutoCloseable {

	/** System property naming the browser binary to use instead of looking for one. */
	public static final String BINARY_PROPERTY = "resilientrpc.test.browser";

	private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Process process;

	private final WebSocket socket;

	private final AtomicInteger ids = new AtomicInteger();

	private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

	private HeadlessChromium(Process process, WebSocket socket) {
		this.process = process;
		this.socket = socket;
	}

	/**
	 * Find a Chromium binary: the {@value #BINARY_PROPERTY} system property, else one on
	 * the {@code PATH}, else the Debian package installed now if {@code apt-get} can.
	 * @param log where an installation writes its output
	 * @return the binary, or empty with no browser to be had
	 */
	public static Optional<Path> find(Path log) {
		String configured = System.getProperty(BINARY_PROPERTY);
		if (configured != null && !configured.isBlank()) {
			return Optional.of(Path.of(configured));
		}
		Optional<Path> found = onPath();
		if (found.isPresent() || !onPath("apt-get").isPresent()) {
			return found;
		}
		try {
			Files.createDirectories(log.getParent());
			for (List<String> command : List.of(List.of("apt-get", "update", "-qq"),
					List.of("apt-get", "install", "-y", "-qq", "chromium"))) {
				Process install = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
					.start();
				if (!install.waitFor(5, TimeUnit.MINUTES)) {
					install.destroyForcibly();
					return Optional.empty();
				}
				if (install.exitValue() != 0) {
					return Optional.empty();
				}
			}
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		return onPath();
	}

	private static Optional<Path> onPath() {
		for (String name : NAMES) {
			Optional<Path> found = onPath(name);
			if (found.isPresent()) {
				return found;
			}
		}
		return Optional.empty();
	}

	private static Optional<Path> onPath(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/**
	 * Start the browser on a blank page and connect to it.
	 * @param binary the browser
	 * @param dir a directory for its profile and log
	 * @param timeout how long it may take to start
	 * @return the connected browser
	 * @throws IOException if it cannot be started or reached
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public static HeadlessChromium start(Path binary, Path dir, Duration timeout)
			throws IOException, InterruptedException {
		Path profile = Files.createDirectories(dir.resolve("profile"));
		Process process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
				"--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*",
				"--window-size=1280,960", "about:blank")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("chromium.log").toFile())
			.start();
		try {
			long deadline = System.nanoTime() + timeout.toNanos();
			Path portFile = profile.resolve("DevToolsActivePort");
			List<String> lines = List.of();
			while (lines.size() < 2) {
				if (!process.isAlive()) {
					throw new IOException(
							"Chromium exited with " + process.exitValue() + ", see " + dir.resolve("chromium.log"));
				}
				if (System.nanoTime() > deadline) {
					throw new IOException("Chromium did not open its DevTools port within " + timeout);
				}
				Thread.sleep(50);
				lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
			}
			HttpClient http = HttpClient.newHttpClient();
			String targets = http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lines.get(0).trim() + "/json/list"))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
			String page = null;
			for (JsonNode target : json.readTree(targets)) {
				if ("page".equals(target.path("type").asString())) {
					page = target.path("webSocketDebuggerUrl").asString();
					break;
				}
			}
			if (page == null) {
				throw new IOException("Chromium shows no page: " + targets);
			}
			Receiver receiver = new Receiver();
			WebSocket socket = http.newWebSocketBuilder()
				.connectTimeout(timeout)
				.buildAsync(URI.create(page), receiver)
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			HeadlessChromium browser = new HeadlessChromium(process, socket);
			receiver.browser = browser;
			return browser;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			destroy(process);
			throw ex;
		}
		catch (Exception ex) {
			destroy(process);
			throw new IOException("Cannot connect to Chromium", ex);
		}
	}

	/**
	 * Open a page and wait until it has loaded.
	 * @param uri the page
	 */
	public void navigate(String uri) {
		ObjectNode params = json.createObjectNode().put("url", uri);
		JsonNode result = send("Page.navigate", params);
		if (result.has("errorText")) {
			throw new IllegalStateException("Cannot open " + uri + ": " + result.path("errorText").asString());
		}
	}

	/**
	 * Evaluate an expression in the page.
	 * @param expression the JavaScript expression
	 * @return its value, as JSON
	 */
	public JsonNode evaluate(String expression) {
		ObjectNode params = json.createObjectNode().put("expression", expression).put("returnByValue", true);
		JsonNode result = send("Runtime.evaluate", params);
		if (result.has("exceptionDetails")) {
			throw new IllegalStateException("'" + expression + "' threw: " + result.path("exceptionDetails"));
		}
		return result.path("result").path("value");
	}

	/**
	 * Take a screenshot of the page.
	 * @return the PNG image
	 */
	public byte[] screenshot() {
		JsonNode result = send("Page.captureScreenshot", json.createObjectNode().put("format", "png"));
		return Base64.getDecoder().decode(result.path("data").asString());
	}

	private JsonNode send(String method, ObjectNode params) {
		int id = this.ids.incrementAndGet();
		CompletableFuture<JsonNode> answer = new CompletableFuture<>();
		this.pending.put(id, answer);
		ObjectNode command = json.createObjectNode().put("id", id).put("method", method);
		command.set("params", params);
		this.socket.sendText(json.writeValueAsString(command), true).join();
		try {
			JsonNode reply = answer.get(60, TimeUnit.SECONDS);
			if (reply.has("error")) {
				throw new IllegalStateException(method + " failed: " + reply.path("error"));
			}
			return reply.path("result");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(method + " got no answer", ex);
		}
		finally {
			this.pending.remove(id);
		}
	}

	@Override
	public void close() {
		try {
			this.socket.abort();
		}
		finally {
			destroy(this.process);
		}
	}

	private static void destroy(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static final class Receiver implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private volatile @Nullable HeadlessChromium browser;

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				String message = this.text.toString();
				this.text.setLength(0);
				JsonNode reply;
				try {
					reply = json.readTree(message);
				}
				catch (RuntimeException ex) {
					throw new UncheckedIOException(new IOException("Not JSON from Chromium: " + message, ex));
				}
				HeadlessChromium target = this.browser;
				if (reply.has("id") && target != null) {
					CompletableFuture<JsonNode> answer = target.pending.get(reply.path("id").asInt());
					if (answer != null) {
						answer.complete(reply);
					}
				}
			}
			webSocket.request(1);
			return null;
		}

	}

}
