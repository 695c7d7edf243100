package dev.resilientrpc.it;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.it.RawHttp.Answer;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.it.server.TestServerApplication.SpecServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example of section 7 of the JSON-RPC 2.0 specification, with the method names
 * prefixed by the service name ({@code subtract} is {@code spec.subtract}), sent over
 * real HTTP. Error messages and {@code data} are ours; codes, ids and results are the
 * specification's.
 */
class JsonRpcSpecificationExamplesTests {

	private static ConfigurableApplicationContext server;

	private static RawHttp http;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(TestServerApplication.class)
			.properties("server.port=0", "resilient-rpc.client.enabled=false")
			.run();
		http = new RawHttp(URI.create("http://127.0.0.1:" + TestPorts.portOf(server) + "/rpc"));
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private static int notifications() {
		return server.getBean(SpecServer.class).notifications.get();
	}

	@Test
	void positionalParameters() {
		assertResponse(
				http.post("{\"jsonrpc\": \"2.0\", \"method\": \"spec.subtract\", \"params\": [42, 23], \"id\": 1}"),
				"{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 1}");
		assertResponse(
				http.post("{\"jsonrpc\": \"2.0\", \"method\": \"spec.subtract\", \"params\": [23, 42], \"id\": 2}"),
				"{\"jsonrpc\": \"2.0\", \"result\": -19, \"id\": 2}");
	}

	@Test
	void namedParameters() {
		assertResponse(http.post(
				"{\"jsonrpc\": \"2.0\", \"method\": \"spec.subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}"),
				"{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 3}");
		assertResponse(http.post(
				"{\"jsonrpc\": \"2.0\", \"method\": \"spec.subtract\", \"params\": {\"minuend\": 42, \"subtrahend\": 23}, \"id\": 4}"),
				"{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 4}");
	}

	@Test
	void notificationsGetNoResponseButRun() {
		int before = notifications();
		Answer update = http.post("{\"jsonrpc\": \"2.0\", \"method\": \"spec.update\", \"params\": [1,2,3,4,5]}");
		assertThat(update.status()).isEqualTo(204);
		assertThat(update.body()).isEmpty();
		Answer foobar = http.post("{\"jsonrpc\": \"2.0\", \"method\": \"spec.foobar\"}");
		assertThat(foobar.status()).isEqualTo(204);
		assertThat(foobar.body()).isEmpty();
		assertThat(notifications()).isEqualTo(before + 1);
	}

	@Test
	void nonExistentMethod() {
		assertResponse(http.post("{\"jsonrpc\": \"2.0\", \"method\": \"spec.foobar\", \"id\": \"1\"}"),
				"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"1\"}");
	}

	@Test
	void invalidJson() {
		assertResponse(http.post("{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]"),
				"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}");
	}

	@Test
	void invalidRequestObject() {
		assertResponse(http.post("{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}"),
				"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}");
	}

	@Test
	void batchWithInvalidJson() {
		assertResponse(http.post("""
				[
				  {"jsonrpc": "2.0", "method": "spec.sum", "params": [1,2,4], "id": "1"},
				  {"jsonrpc": "2.0", "method"
				]"""),
				"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}");
	}

	@Test
	void emptyArray() {
		assertResponse(http.post("[]"),
				"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}");
	}

	@Test
	void invalidBatchOfOne() {
		assertResponse(http.post("[1]"),
				"[{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}]");
	}

	@Test
	void invalidBatchOfThree() {
		String error = "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}";
		assertResponse(http.post("[1,2,3]"), "[" + error + "," + error + "," + error + "]");
	}

	@Test
	void mixedBatch() {
		int before = notifications();
		assertResponse(http.post("""
				[
				    {"jsonrpc": "2.0", "method": "spec.sum", "params": [1,2,4], "id": "1"},
				    {"jsonrpc": "2.0", "method": "spec.notify_hello", "params": [7]},
				    {"jsonrpc": "2.0", "method": "spec.subtract", "params": [42,23], "id": "2"},
				    {"foo": "boo"},
				    {"jsonrpc": "2.0", "method": "spec.foo.get", "params": {"name": "myself"}, "id": "5"},
				    {"jsonrpc": "2.0", "method": "spec.get_data", "id": "9"}
				]"""), """
				[
				    {"jsonrpc": "2.0", "result": 7, "id": "1"},
				    {"jsonrpc": "2.0", "result": 19, "id": "2"},
				    {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
				    {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
				    {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
				]""");
		assertThat(notifications()).isEqualTo(before + 1);
	}

	@Test
	void batchOfNotificationsOnly() {
		int before = notifications();
		Answer answer = http.post("""
				[
				    {"jsonrpc": "2.0", "method": "spec.notify_sum", "params": [1,2,4]},
				    {"jsonrpc": "2.0", "method": "spec.notify_hello", "params": [7]}
				]""");
		assertThat(answer.status()).isEqualTo(204);
		assertThat(answer.body()).isEmpty();
		assertThat(notifications()).isEqualTo(before + 2);
	}

	@Test
	void idsOfEveryAllowedTypeAreEchoed() {
		for (String id : List.of("7", "-7", "1.5", "12345678901234567890", "\"abc\"", "\"\"", "null")) {
			Answer answer = http
				.post("{\"jsonrpc\": \"2.0\", \"method\": \"spec.sum\", \"params\": [1,1,1], \"id\": " + id + "}");
			assertThat(answer.json().get("id")).as(id).isEqualTo(RawHttp.json(id));
			assertThat(answer.json().get("result").asInt()).isEqualTo(3);
		}
	}

	/**
	 * Compare an answer with the expected one: every member, except the {@code message}
	 * and {@code data} of errors beyond the specification's messages; batch order does
	 * not matter.
	 */
	private static void assertResponse(Answer answer, String expected) {
		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		JsonNode actual = answer.json();
		JsonNode wanted = RawHttp.json(expected);
		if (wanted.isArray()) {
			assertThat(actual.isArray()).as(answer.body()).isTrue();
			assertThat(normalize(actual)).as(answer.body()).containsExactlyInAnyOrderElementsOf(normalize(wanted));
		}
		else {
			assertThat(normalize(List.of(actual))).as(answer.body()).isEqualTo(normalize(List.of(wanted)));
		}
	}

	private static List<String> normalize(Iterable<JsonNode> responses) {
		List<String> result = new ArrayList<>();
		for (JsonNode response : responses) {
			JsonNode copy = response.deepCopy();
			if (copy.has("error")) {
				((tools.jackson.databind.node.ObjectNode) copy.get("error")).remove("data");
			}
			result.add(copy.toString());
		}
		return result;
	}

}
