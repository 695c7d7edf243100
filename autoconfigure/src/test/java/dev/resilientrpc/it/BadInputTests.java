package dev.resilientrpc.it;

import java.net.URI;
import java.util.Collections;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.it.RawHttp.Answer;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.protocol.RpcErrorCodes;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over real HTTP: each gets a clear JSON-RPC error, never a hang or a stack
 * trace, and the server keeps serving.
 */
class BadInputTests {

	private static ConfigurableApplicationContext server;

	private static RawHttp http;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(TestServerApplication.class)
			.properties("server.port=0", "resilient-rpc.client.enabled=false",
					"resilient-rpc.server.max-request-size=64KB", "resilient-rpc.server.max-batch-size=5")
			.run();
		http = new RawHttp(URI.create("http://127.0.0.1:" + TestPorts.portOf(server) + "/rpc"));
	}

	@AfterAll
	static void stop() {
		assertThat(http.post(call("calc.add", "[1, 2]")).json().get("result").asInt()).isEqualTo(3);
		server.close();
	}

	private static String call(String method, String params) {
		return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}";
	}

	private static JsonNode error(Answer answer, int code) {
		assertThat(answer.body()).doesNotContain("\tat ").doesNotContain("Exception:");
		JsonNode error = answer.json().get("error");
		assertThat(error).as(answer.body()).isNotNull();
		assertThat(error.get("code").asInt()).as(answer.body()).isEqualTo(code);
		return error;
	}

	@ParameterizedTest
	@ValueSource(strings = { "[\"one\", 2]", "[\"1\", 2]", "[1.5, 2]", "[true, 2]", "[[1], 2]", "[{}, 2]", "[1, 2, 3]",
			"[1]", "[]", "{\"a\": 1}", "{\"a\": 1, \"b\": 2, \"c\": 3}", "[null, 2]" })
	void wrongParamTypesAndCountsAreInvalidParams(String params) {
		JsonNode error = error(http.post(call("calc.add", params)), RpcErrorCodes.INVALID_PARAMS);
		assertThat(error.get("message").asString()).isEqualTo("Invalid params");
		assertThat(error.get("data").get("reason").asString()).isNotBlank();
	}

	@Test
	void recordWithWrongShapeIsInvalidParams() {
		JsonNode error = error(http.post(call("calc.mirror", "[{\"x\": \"left\", \"y\": 2}]")),
				RpcErrorCodes.INVALID_PARAMS);
		assertThat(error.get("data").get("param").asString()).isEqualTo("point");
	}

	@Test
	void namedParamsBindByName() {
		Answer answer = http.post(call("calc.add", "{\"b\": 2, \"a\": 40}"));
		assertThat(answer.json().get("result").asInt()).isEqualTo(42);
	}

	@ParameterizedTest
	@ValueSource(strings = { "calc.secret", "calc.getClass", "calc.hashCode", "calc.wait", "calc.", "calc",
			"nothing.add", ".add", "" })
	void methodsOutsideTheExportedInterfaceAreNotFound(String method) {
		error(http.post(call(method, "[]")), RpcErrorCodes.METHOD_NOT_FOUND);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "{", "nul", "{\"jsonrpc\":\"2.0\",,}", "\u0000\u0001" })
	void malformedJsonIsParseError(String body) {
		Answer answer = http.post(body);
		assertThat(answer.status()).isEqualTo(200);
		error(answer, RpcErrorCodes.PARSE_ERROR);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"text\"", "42", "null", "{}", "{\"jsonrpc\":\"1.0\",\"method\":\"calc.add\",\"id\":1}",
			"{\"jsonrpc\":2.0,\"method\":\"calc.add\",\"id\":1}",
			"{\"jsonrpc\":\"2.0\",\"method\":\"calc.add\",\"params\":5,\"id\":1}",
			"{\"jsonrpc\":\"2.0\",\"method\":\"calc.add\",\"params\":[1,2],\"id\":{}}" })
	void invalidRequestObjects(String body) {
		error(http.post(body), RpcErrorCodes.INVALID_REQUEST);
	}

	@Test
	void oversizedBodyIsRefusedWith413() {
		String big = "\"" + "x".repeat(70 * 1024) + "\"";
		Answer answer = http.post(call("calc.echo", "[" + big + "]"));
		assertThat(answer.status()).isEqualTo(413);
		assertThat(error(answer, RpcErrorCodes.INVALID_REQUEST).get("data").get("reason").asString())
			.contains("exceeds the limit of 65536 bytes");
	}

	@Test
	void bodyJustUnderTheLimitIsAccepted() {
		String text = "x".repeat(60 * 1024);
		Answer answer = http.post(call("calc.echo", "[\"" + text + "\"]"));
		assertThat(answer.json().get("result").asString()).isEqualTo(text);
	}

	@Test
	void deeplyNestedJsonIsRefused() {
		String nested = "[".repeat(5000) + "]".repeat(5000);
		Answer answer = http.post(call("calc.echo", nested));
		assertThat(error(answer, RpcErrorCodes.INVALID_REQUEST).get("data").get("reason").asString())
			.contains("nested deeper than 64");
	}

	@Test
	void bracketsInsideStringsDoNotCountAsNesting() {
		String text = "[[[[{{{{".repeat(20);
		assertThat(http.post(call("calc.echo", "[\"" + text + "\"]")).json().get("result").asString()).isEqualTo(text);
	}

	@Test
	void batchOverTheLimitIsRefused() {
		String one = call("calc.add", "[1, 2]");
		Answer answer = http.post("[" + String.join(",", Collections.nCopies(6, one)) + "]");
		assertThat(error(answer, RpcErrorCodes.INVALID_REQUEST).get("data").get("reason").asString())
			.contains("limit of 5");
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/plain", "application/x-www-form-urlencoded", "application/xml" })
	void wrongContentTypeIsRefusedWith415(String contentType) {
		Answer answer = http.send("POST", call("calc.add", "[1, 2]"), contentType);
		assertThat(answer.status()).isEqualTo(415);
		error(answer, RpcErrorCodes.INVALID_REQUEST);
	}

	@Test
	void missingContentTypeIsRefusedWith415() {
		Answer answer = http.send("POST", call("calc.add", "[1, 2]"), null);
		assertThat(answer.status()).isEqualTo(415);
	}

	@Test
	void jsonWithCharsetIsAccepted() {
		Answer answer = http.send("POST", call("calc.add", "[1, 2]"), "application/json; charset=utf-8");
		assertThat(answer.json().get("result").asInt()).isEqualTo(3);
	}

	@Test
	void getIsRefusedWith405() {
		Answer answer = http.send("GET", null, null);
		assertThat(answer.status()).isEqualTo(405);
		error(answer, RpcErrorCodes.INVALID_REQUEST);
	}

	@Test
	void applicationExceptionHasNoStackTrace() {
		JsonNode error = error(http.post(call("calc.fail", "[\"bad things\"]")), RpcErrorCodes.APPLICATION_ERROR);
		assertThat(error.get("data").get("exception").asString()).isEqualTo("java.lang.IllegalStateException");
		assertThat(error.get("data").get("message").asString()).isEqualTo("bad things");
		assertThat(error.get("data").size()).isEqualTo(2);
	}

}
