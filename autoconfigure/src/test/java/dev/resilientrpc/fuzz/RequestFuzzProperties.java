package dev.resilientrpc.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.JsonRpcServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Mutated and random request bodies and header values, seeded from the JSON-RPC
 * specification's examples: every answer is a JSON-RPC response (or none, for
 * notifications), never a 5xx without a JSON-RPC error body, a stack trace, or a hang.
 * Bodies go straight to the application's {@link JsonRpcServer} (its interceptors
 * included); headers go over real HTTP, through the servlet's limits and the signature
 * check.
 */
class RequestFuzzProperties {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	/** Section 7 of the specification, with the method names this server exports. */
	private static final List<String> SEEDS = List.of(
			"{\"jsonrpc\": \"2.0\", \"method\": \"spec.subtract\", \"params\": [42, 23], \"id\": 1}",
			"{\"jsonrpc\": \"2.0\", \"method\": \"spec.subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}",
			"{\"jsonrpc\": \"2.0\", \"method\": \"spec.update\", \"params\": [1,2,3,4,5]}",
			"{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}",
			"{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]",
			"{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}", "[1,2,3]", "[]",
			"[{\"jsonrpc\": \"2.0\", \"method\": \"spec.sum\", \"params\": [1,2,4], \"id\": \"1\"},"
					+ " {\"jsonrpc\": \"2.0\", \"method\": \"spec.notify_hello\", \"params\": [7]},"
					+ " {\"jsonrpc\": \"2.0\", \"method\": \"spec.subtract\", \"params\": [42,23], \"id\": \"2\"},"
					+ " {\"foo\": \"boo\"},"
					+ " {\"jsonrpc\": \"2.0\", \"method\": \"foo.get\", \"params\": {\"name\": \"myself\"}, \"id\": \"5\"},"
					+ " {\"jsonrpc\": \"2.0\", \"method\": \"spec.get_data\", \"id\": \"9\"}]",
			"[{\"jsonrpc\": \"2.0\", \"method\": \"spec.notify_sum\", \"params\": [1,2,4]},"
					+ " {\"jsonrpc\": \"2.0\", \"method\": \"spec.notify_hello\", \"params\": [7]}]",
			"{\"jsonrpc\":\"2.0\",\"method\":\"calc.mirror\",\"params\":[{\"x\":1,\"y\":2}],\"id\":null}",
			"{\"jsonrpc\":\"2.0\",\"method\":\"calc.groupByParity\",\"params\":[[1,2,3]],\"id\":7.5}");

	private static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ",", ":", "null", "true", "-", "-1",
			"1e999", "0.1e-999", "\\u0000", "\\ud800", "99999999999999999999999", "\"id\"", "\"params\"", "\"method\"",
			"\"jsonrpc\"", "[[[[[[[[", "]]]]", "\u00e9", "\u0000", "\ufeff", " ", "\"2.0\"", "{\"a\":", "\"x\":[");

	private static ConfigurableApplicationContext server;

	private static JsonRpcServer rpc;

	private static URI endpoint;

	@BeforeContainer
	static void start() {
		server = new SpringApplicationBuilder(TestServerApplication.class)
			.properties("server.port=0", "resilient-rpc.client.enabled=false",
					"resilient-rpc.server.max-request-size=64KB", "resilient-rpc.server.max-batch-size=10",
					"resilient-rpc.signing.mode=verify-if-present",
					"resilient-rpc.signing.keys.k1=a-secret-of-at-least-32-characters-long")
			.run();
		rpc = server.getBean(JsonRpcServer.class);
		endpoint = URI.create("http://127.0.0.1:" + TestPorts.portOf(server) + "/rpc");
	}

	@AfterContainer
	static void stop() {
		server.close();
	}

	@Property
	void mutatedSpecificationExamplesGetJsonRpcAnswers(@ForAll("mutatedSeeds") String body) {
		assertJsonRpc(handle(body.getBytes(StandardCharsets.UTF_8), Map.of()));
	}

	@Property
	void randomBytesGetJsonRpcAnswers(@ForAll @Size(max = 512) byte[] body) {
		assertJsonRpc(handle(body, Map.of()));
	}

	@Property
	void randomHeaderValuesGetJsonRpcAnswers(@ForAll("headerNames") String name, @ForAll("headerValues") String value) {
		HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"calc.add\",\"params\":[1,2],\"id\":1}"));
		request.header("Content-Type", name.equals("Content-Type") ? value : "application/json");
		if (!name.equals("Content-Type")) {
			request.header(name, value);
		}
		HttpResponse<String> response;
		try {
			response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IllegalArgumentException ex) {
			// a value the HTTP client itself refuses to send
			return;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		assertThat(response.body()).as("%s: %s", name, value).isNotEmpty();
		assertJsonRpc(new JsonRpcServer.Response(response.statusCode(),
				response.body().getBytes(StandardCharsets.UTF_8), null));
	}

	private static JsonRpcServer.Response handle(byte[] body, Map<String, String> headers) {
		return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> rpc.handle(body, body.length, headers::get));
	}

	private static void assertJsonRpc(JsonRpcServer.Response response) {
		byte[] body = response.body();
		if (body == null) {
			assertThat(response.status()).isEqualTo(204);
			return;
		}
		String text = new String(body, StandardCharsets.UTF_8);
		assertThat(text).doesNotContain("\tat ");
		JsonNode root = mapper.readTree(text);
		if (root.isArray()) {
			assertThat(response.status()).as(text).isEqualTo(200);
			assertThat(root.size()).as(text).isPositive();
			root.forEach((one) -> assertResponseObject(one, text));
			return;
		}
		int code = assertResponseObject(root, text);
		if (response.status() >= 500) {
			assertThat(code).as("a 5xx must be -32002 (shed, not executed): " + text)
				.isEqualTo(RpcErrorCodes.OVERLOADED);
		}
	}

	private static int assertResponseObject(JsonNode response, String text) {
		assertThat(response.isObject()).as(text).isTrue();
		assertThat(response.path("jsonrpc").asString()).as(text).isEqualTo("2.0");
		assertThat(response.has("id")).as(text).isTrue();
		JsonNode error = response.get("error");
		if (error == null) {
			assertThat(response.has("result")).as(text).isTrue();
			return 0;
		}
		assertThat(error.path("code").isInt()).as(text).isTrue();
		assertThat(error.path("message").isString()).as(text).isTrue();
		assertThat(error.path("code").asInt()).as(text).isNotEqualTo(RpcErrorCodes.INTERNAL_ERROR);
		return error.path("code").asInt();
	}

	@Provide
	Arbitrary<String> mutatedSeeds() {
		Arbitrary<Mutation> mutation = Combinators
			.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 10_000),
					Arbitraries.oneOf(Arbitraries.of(TOKENS), Arbitraries.strings().ofMaxLength(4)))
			.as(Mutation::new);
		return Combinators.combine(Arbitraries.of(SEEDS), mutation.list().ofMinSize(1).ofMaxSize(6))
			.as((seed, mutations) -> {
				String body = seed;
				for (Mutation each : mutations) {
					body = each.apply(body);
				}
				return body;
			});
	}

	@Provide
	Arbitrary<String> headerNames() {
		return Arbitraries.of(RpcHeaders.IDEMPOTENCY_KEY, RpcHeaders.TIMESTAMP, RpcHeaders.ORDERING_KEY,
				RpcHeaders.TIMEOUT, RpcHeaders.ATTEMPT, RpcHeaders.FORWARDED_BY, RpcHeaders.SIGNATURE, "Content-Type");
	}

	@Provide
	Arbitrary<String> headerValues() {
		Arbitrary<String> special = Arbitraries.of("", "0", "-1", "1", "9223372036854775807", "9223372036854775808",
				"-9223372036854775808", "18446744073709551616", "1e3", "0x10", " 5 ", "NaN", "keyId=k1, t=1, sig=x",
				"keyId=, t=, sig=", "keyId=k1,t=-1,sig=", "application/json; charset=latin1", "application/x+json",
				"text/plain", "a".repeat(200));
		Arbitrary<String> visible = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(300);
		return Arbitraries.oneOf(special, visible);
	}

	/**
	 * One edit of a body: insert, delete, replace, duplicate or truncate at a position.
	 */
	private record Mutation(int kind, int position, String token) {

		String apply(String body) {
			int at = (body.isEmpty()) ? 0 : this.position % (body.length() + 1);
			int end = Math.min(body.length(), at + Math.max(1, this.token.length()));
			return switch (this.kind) {
				case 0 -> body.substring(0, at) + this.token + body.substring(at);
				case 1 -> body.substring(0, at) + body.substring(end);
				case 2 -> body.substring(0, at) + this.token + body.substring(end);
				case 3 -> body.substring(0, end) + body.substring(at);
				default -> body.substring(0, at);
			};
		}

	}

}
