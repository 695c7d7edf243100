package dev.resilientrpc.sample.browser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.sample.demo.Ports;
import dev.resilientrpc.sample.node.KvNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live dashboard of a real kv node, one of two, loaded in headless Chromium: the ring
 * of slots is drawn with each slot's holder, the counters are the node's meters (Boot's
 * observation auto-configuration turns each call into a {@code rpc.server.call.duration}
 * timer), and they go up without a reload while calls arrive. A screenshot is kept in
 * {@code target/dashboard.png}. Where no browser is installed and none can be, the test
 * is skipped saying so.
 */
class DashboardBrowserTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final Path TARGET = Path.of("target");

	private static RedisServer redis;

	private static ConfigurableApplicationContext node;

	private static ConfigurableApplicationContext other;

	private static String base;

	private static String otherBase;

	private static int calls;

	@BeforeAll
	static void startNodes() throws IOException {
		int redisPort = Ports.free();
		redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"").build();
		redis.start();
		int port = Ports.free();
		int otherPort = Ports.free();
		String instances = "--resilient-rpc.client.services.kv.instances=http://127.0.0.1:" + port
				+ ",http://127.0.0.1:" + otherPort;
		node = startNode(port, redisPort, instances);
		other = startNode(otherPort, redisPort, instances);
		base = "http://127.0.0.1:" + port;
		otherBase = "http://127.0.0.1:" + otherPort;
	}

	private static ConfigurableApplicationContext startNode(int port, int redisPort, String instances) {
		return new SpringApplicationBuilder(KvNodeApplication.class).profiles("node")
			.run("--server.port=" + port, "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
					instances, "--management.endpoints.web.exposure.include=health,metrics,resilientrpc",
					"--resilient-rpc.dashboard.refresh=200ms");
	}

	@AfterAll
	static void stopNodes() throws IOException {
		if (other != null) {
			other.close();
		}
		if (node != null) {
			node.close();
		}
		if (redis != null) {
			redis.stop();
		}
	}

	@Test
	void theDashboardDrawsTheRingAndCountsCallsLive() throws Exception {
		Optional<Path> binary = HeadlessChromium.find(TARGET.resolve("chromium-install.log"));
		Assumptions.assumeTrue(binary.isPresent(), "No Chromium on the PATH and none could be installed with apt-get "
				+ "(see target/chromium-install.log); set -D" + HeadlessChromium.BINARY_PROPERTY + "=<binary>");
		String nodeId = state(base).path("slots").path("kv").path("nodeId").asString();
		String otherId = state(otherBase).path("slots").path("kv").path("nodeId").asString();
		int slots = state(base).path("slots").path("kv").path("slotCount").asInt();
		assertThat(nodeId).isNotEmpty().isNotEqualTo(otherId);
		assertThat(slots).isPositive();
		// every slot held, by one of the two nodes, both holding some, as this node sees
		// it
		awaitState((kv) -> {
			int here = kv.path("holders").path(nodeId).asInt();
			int there = kv.path("holders").path(otherId).asInt();
			return here > 0 && there > 0 && here + there == slots;
		}, "the two nodes to hold all " + slots + " slots between them");
		JsonNode holders = state(base).path("slots").path("kv").path("holders");
		int heldHere = holders.path(nodeId).asInt();
		int heldThere = holders.path(otherId).asInt();
		for (int i = 0; i < 20; i++) {
			call("kv.put", "[\"k" + i + "\",\"v" + i + "\"]");
		}
		// Boot's observation and metrics auto-configuration made each call a timer sample
		JsonNode puts = json.readTree(get(base,
				"/actuator/metrics/rpc.server.call.duration?tag=rpc.method:kv.put&tag=rpc.system.name:jsonrpc"));
		assertThat(puts.path("measurements").get(0).path("statistic").asString()).isEqualTo("COUNT");
		assertThat(puts.path("measurements").get(0).path("value").asDouble()).isEqualTo(20.0);
		Path dir = Files.createTempDirectory("dashboard-browser-");
		try (HeadlessChromium browser = HeadlessChromium.start(binary.get(), dir, PATIENCE)) {
			browser.navigate(base + "/resilient-rpc/");
			awaitInPage(browser, "+document.body.dataset.updates", (updates) -> updates.asInt() >= 1,
					"the first state drawn");
			browser.evaluate("window.probeSetBeforeTheUpdates = 42");
			// every slot is drawn as an arc with its holder: this node's thicker
			assertThat(browser.evaluate("document.querySelectorAll('.ring[data-service=kv] path.arc').length").asInt())
				.isEqualTo(slots);
			assertThat(arcsOf(browser, nodeId)).isEqualTo(heldHere);
			assertThat(arcsOf(browser, otherId)).isEqualTo(heldThere);
			assertThat(browser.evaluate("document.querySelectorAll('.ring[data-service=kv] path.arc.here').length")
				.asInt()).isEqualTo(heldHere);
			assertThat(browser
				.evaluate("new Set([...document.querySelectorAll('.ring path.arc')]"
						+ ".map((arc) => arc.getAttribute('stroke'))).size")
				.asInt()).as("one colour per holder").isEqualTo(2);
			assertThat(legendOf(browser, nodeId)).contains(heldHere + " of " + slots + " slots", "this node");
			assertThat(legendOf(browser, otherId)).contains(heldThere + " of " + slots + " slots")
				.doesNotContain("this node");
			long shown = awaitInPage(browser, counter("serverCalls"), (value) -> value.asLong() >= calls,
					"the server calls counted")
				.asLong();
			assertThat(shown).isEqualTo(state(base).path("counters").path("serverCalls").asLong());
			int updatesBefore = browser.evaluate("+document.body.dataset.updates").asInt();
			for (int i = 0; i < 15; i++) {
				call("kv.get", "[\"k" + i + "\"]");
			}
			int expected = calls;
			awaitInPage(browser, counter("serverCalls"), (value) -> value.asLong() >= expected,
					"the counter to show the " + expected + " calls made so far");
			assertThat(browser.evaluate("window.probeSetBeforeTheUpdates").asInt())
				.as("the page was not reloaded to show the new count")
				.isEqualTo(42);
			assertThat(browser.evaluate("+document.body.dataset.updates").asInt()).isGreaterThan(updatesBefore);
			assertThat(browser.evaluate("document.getElementById('status').className").asString()).isEqualTo("live");
			byte[] png = browser.screenshot();
			assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
			Files.createDirectories(TARGET);
			Files.write(TARGET.resolve("dashboard.png"), png);
		}
	}

	private static int arcsOf(HeadlessChromium browser, String holder) {
		return browser
			.evaluate("document.querySelectorAll('.ring[data-service=kv] path.arc[data-owner=\"" + holder
					+ "\"]').length")
			.asInt();
	}

	private static String legendOf(HeadlessChromium browser, String holder) {
		return browser.evaluate("document.querySelector('li.node[data-node=\"" + holder + "\"]').textContent")
			.asString();
	}

	private static String counter(String name) {
		return "+document.querySelector('[data-counter=" + name + "]').textContent";
	}

	// the page may still be loading (no body yet, or its context replaced): that is "not
	// yet", until the patience runs out
	private static JsonNode awaitInPage(HeadlessChromium browser, String expression, Predicate<JsonNode> condition,
			String what) throws InterruptedException {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (true) {
			Object seen;
			try {
				JsonNode value = browser.evaluate(expression);
				if (condition.test(value)) {
					return value;
				}
				seen = value;
			}
			catch (IllegalStateException ex) {
				seen = ex.getMessage();
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Waited " + PATIENCE + " for " + what + "; '" + expression + "' is " + seen);
			}
			Thread.sleep(50);
		}
	}

	private static void awaitState(Predicate<JsonNode> condition, String what) throws Exception {
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (!condition.test(state(base).path("slots").path("kv"))) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Waited " + PATIENCE + " for " + what + "; the state is " + state(base));
			}
			Thread.sleep(50);
		}
	}

	private static JsonNode state(String node) throws Exception {
		return json.readTree(get(node, "/resilient-rpc/state"));
	}

	private static String get(String node, String path) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET " + node + path).isEqualTo(200);
		return response.body();
	}

	// a plain JSON-RPC client: no Rpc-* headers
	private static void call(String method, String params) throws Exception {
		String body = "{\"jsonrpc\":\"2.0\",\"id\":" + (++calls) + ",\"method\":\"" + method + "\",\"params\":" + params
				+ "}";
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/rpc"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).has("result")).as(response.body()).isTrue();
	}

}
