package dev.resilientrpc.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.protocol.RpcErrorCodes;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each of the server's limits ({@code resilient-rpc.server.limits.*}) over real HTTP: a
 * request beyond it gets a JSON-RPC error that says which, and a request within it is
 * served.
 */
class LimitsTests {

	private static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static ConfigurableApplicationContext server;

	private static URI endpoint;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(TestServerApplication.class, Gate.class).properties("server.port=0",
				"resilient-rpc.client.enabled=false", "resilient-rpc.server.limits.max-string-length=1000",
				"resilient-rpc.server.limits.max-number-length=40", "resilient-rpc.server.limits.max-name-length=100",
				"resilient-rpc.server.limits.max-header-size=1KB",
				"resilient-rpc.server.limits.max-idempotency-key-length=40",
				"resilient-rpc.server.limits.max-in-flight=2", "resilient-rpc.server.limits.retry-after=3s")
			.run();
		endpoint = URI.create("http://127.0.0.1:" + TestPorts.portOf(server) + "/rpc");
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private static String call(String method, String params) {
		return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}";
	}

	private static HttpResponse<String> post(String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		try {
			return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String reasonOf(HttpResponse<String> response, int status, int code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.body()).doesNotContain("\tat ");
		JsonNode error = RawHttp.json(response.body()).get("error");
		assertThat(error).as(response.body()).isNotNull();
		assertThat(error.get("code").asInt()).as(response.body()).isEqualTo(code);
		return error.get("data").get("reason").asString();
	}

	@Test
	void stringLongerThanTheLimitIsInvalidRequest() {
		String reason = reasonOf(post(call("calc.echo", "[\"" + "x".repeat(1001) + "\"]")), 200,
				RpcErrorCodes.INVALID_REQUEST);
		assertThat(reason).contains("String value length").contains("1000");
		HttpResponse<String> within = post(call("calc.echo", "[\"" + "x".repeat(1000) + "\"]"));
		assertThat(RawHttp.json(within.body()).get("result").asString()).hasSize(1000);
	}

	@Test
	void numberLongerThanTheLimitIsInvalidRequest() {
		String reason = reasonOf(post(call("calc.add", "[1" + "0".repeat(40) + ", 2]")), 200,
				RpcErrorCodes.INVALID_REQUEST);
		assertThat(reason).contains("Number value length").contains("40");
		assertThat(RawHttp.json(post(call("calc.add", "[40, 2]")).body()).get("result").asInt()).isEqualTo(42);
	}

	@Test
	void memberNameLongerThanTheLimitIsInvalidRequest() {
		String reason = reasonOf(post(call("calc.mirror", "[{\"" + "n".repeat(101) + "\": 1}]")), 200,
				RpcErrorCodes.INVALID_REQUEST);
		assertThat(reason).contains("Name length").contains("100");
	}

	@Test
	void headersLargerThanTheLimitAre431() {
		String reason = reasonOf(post(call("calc.add", "[1, 2]"), "X-Padding", "p".repeat(1100)), 431,
				RpcErrorCodes.INVALID_REQUEST);
		assertThat(reason).contains("exceed the limit of 1024 bytes");
	}

	@Test
	void idempotencyKeyLongerThanTheLimitIsRefused() {
		String reason = reasonOf(post(call("calc.add", "[1, 2]"), "Idempotency-Key", "k".repeat(41)), 400,
				RpcErrorCodes.INVALID_REQUEST);
		assertThat(reason).contains("Idempotency-Key must be 1 to 40 characters long, was 41");
		HttpResponse<String> within = post(call("calc.add", "[1, 2]"), "Idempotency-Key", "k".repeat(40));
		assertThat(RawHttp.json(within.body()).get("result").asInt()).isEqualTo(3);
	}

	@Test
	void idempotencyKeyWithCharactersOutsideVisibleAsciiIsRefused() {
		String reason = reasonOf(post(call("calc.add", "[1, 2]"), "Idempotency-Key", "two words"), 400,
				RpcErrorCodes.INVALID_REQUEST);
		assertThat(reason).contains("visible ASCII").contains("0x20 at 3");
		reason = reasonOf(post(call("calc.add", "[1, 2]"), "Idempotency-Key", "tab\tkey"), 400,
				RpcErrorCodes.INVALID_REQUEST);
		assertThat(reason).contains("0x9 at 3");
	}

	@Test
	void requestsBeyondMaxInFlightAreShedWithRetryAfterAndNeverQueued() throws Exception {
		// the common pool may have one thread on a small machine
		ExecutorService threads = Executors.newFixedThreadPool(2);
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			held.add(CompletableFuture.supplyAsync(() -> post(call("gate.hold", "[]")), threads));
		}
		assertThat(Gate.arrived.await(10, TimeUnit.SECONDS)).isTrue();
		long start = System.nanoTime();
		HttpResponse<String> shed = post(call("calc.add", "[1, 2]"));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(reasonOf(shed, 503, RpcErrorCodes.OVERLOADED)).isEqualTo("overloaded");
		assertThat(shed.headers().firstValue("Retry-After")).hasValue("3");
		Gate.release.countDown();
		for (CompletableFuture<HttpResponse<String>> call : held) {
			assertThat(RawHttp.json(call.get(10, TimeUnit.SECONDS).body()).get("result").asBoolean()).isTrue();
		}
		threads.shutdown();
		// the permits came back
		assertThat(RawHttp.json(post(call("calc.add", "[1, 2]")).body()).get("result").asInt()).isEqualTo(3);
	}

	/**
	 * A method that holds its caller until the test lets it go.
	 */
	public interface GateApi {

		boolean hold() throws InterruptedException;

	}

	/**
	 * Counts the calls that arrived and holds them.
	 */
	@RpcService("gate")
	public static class Gate implements GateApi {

		static final CountDownLatch arrived = new CountDownLatch(2);

		static final CountDownLatch release = new CountDownLatch(1);

		@Override
		public boolean hold() throws InterruptedException {
			arrived.countDown();
			return release.await(10, TimeUnit.SECONDS);
		}

	}

}
