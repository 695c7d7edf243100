package dev.resilientrpc.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.it.secure.SecureClientApplication;
import dev.resilientrpc.it.secure.SecureClientApplication.SecureCalculatorClient;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.it.server.TestServerApplication.CalculatorServer;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.security.CallSigner;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;
import dev.resilientrpc.server.SerializedResult;
import dev.resilientrpc.server.TestServerCalls;
import dev.resilientrpc.slot.Forwarder;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Signed calls over real HTTP: valid signatures with either of two keys are served, and a
 * forged, tampered, replayed, expired or (when required) missing signature is refused
 * with a JSON-RPC error that says why, before anything runs.
 */
class SignedCallsTests {

	private static final String SECRET_1 = "first-secret-of-at-least-32-characters";

	private static final String SECRET_2 = "second-secret-of-at-least-32-characters";

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static ConfigurableApplicationContext required;

	private static ConfigurableApplicationContext ifPresent;

	private static final List<ConfigurableApplicationContext> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		required = server("required");
		ifPresent = server("verify-if-present");
	}

	@AfterAll
	static void stop() {
		clients.forEach(ConfigurableApplicationContext::close);
		required.close();
		ifPresent.close();
	}

	private static ConfigurableApplicationContext server(String mode) {
		return new SpringApplicationBuilder(TestServerApplication.class, ShedFirstAttempt.class)
			.properties("server.port=0", "resilient-rpc.client.enabled=false", "resilient-rpc.signing.mode=" + mode,
					"resilient-rpc.signing.keys.k1=" + SECRET_1, "resilient-rpc.signing.keys.k2=" + SECRET_2,
					"resilient-rpc.signing.clock-skew=10s")
			.run();
	}

	private static SecureCalculatorClient client(String keyId, String secret) {
		return client(keyId, secret, false);
	}

	private static SecureCalculatorClient client(String keyId, String secret, boolean retries) {
		ConfigurableApplicationContext client = new SpringApplicationBuilder(SecureClientApplication.class)
			.web(WebApplicationType.NONE)
			.properties("resilient-rpc.client.services.calc.instances=http://127.0.0.1:" + TestPorts.portOf(required),
					"resilient-rpc.retry.enabled=" + retries, "resilient-rpc.signing.keys." + keyId + "=" + secret,
					"resilient-rpc.signing.key-id=" + keyId,
					// the shed attempt's Retry-After is 1s
					"resilient-rpc.retry.policies.default.max-delay=2s",
					// -32002 is retried for calls safe to repeat
					"resilient-rpc.client.services.calc.idempotent=" + retries)
			.run();
		clients.add(client);
		return client.getBean(SecureCalculatorClient.class);
	}

	private static URI endpoint(ConfigurableApplicationContext server) {
		return URI.create("http://127.0.0.1:" + TestPorts.portOf(server) + "/rpc");
	}

	private static String add(int a, int b) {
		return "{\"jsonrpc\":\"2.0\",\"method\":\"calc.add\",\"params\":[" + a + "," + b + "],\"id\":1}";
	}

	private static Map<String, String> headers(String idempotencyKey) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(RpcHeaders.IDEMPOTENCY_KEY, idempotencyKey);
		return headers;
	}

	private static Map<String, String> signed(CallSigner signer, String body, Map<String, String> headers) {
		headers.put(RpcHeaders.SIGNATURE, signer.sign("/rpc", body.getBytes(StandardCharsets.UTF_8), headers::get));
		return headers;
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext server, String body,
			Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(endpoint(server))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		headers.forEach(request::header);
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String refusal(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		JsonNode error = RawHttp.json(response.body()).get("error");
		assertThat(error).as(response.body()).isNotNull();
		assertThat(error.get("code").asInt()).isEqualTo(RpcErrorCodes.INVALID_REQUEST);
		return error.get("data").get("reason").asString();
	}

	private static int result(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return RawHttp.json(response.body()).get("result").asInt();
	}

	@Test
	void clientsSigningWithEitherAcceptedKeyAreServed() {
		assertThat(client("k1", SECRET_1).add(40, 2)).isEqualTo(42);
		assertThat(client("k2", SECRET_2).add(1, 2)).isEqualTo(3);
	}

	@Test
	void retryOfASignedCallIsSignedAnewAndNotRefusedAsAReplay() {
		ShedFirstAttempt.attempts.clear();
		SecureCalculatorClient retrying = client("k1", SECRET_1, true);
		assertThat(retrying.negate(true)).isFalse();
		// the first attempt was shed (-32002, not executed), the retry got through the
		// signature check with the same Idempotency-Key
		assertThat(ShedFirstAttempt.attempts).containsExactly("1", "2");
	}

	@Test
	void unsignedCallIsRefusedWhenSignaturesAreRequired() {
		assertThat(refusal(post(required, add(1, 2), headers("unsigned-1")), 401)).isEqualTo("signature-missing");
	}

	@Test
	void unsignedCallIsServedWhenSignaturesAreVerifiedIfPresent() {
		assertThat(result(post(ifPresent, add(1, 2), headers("unsigned-2")))).isEqualTo(3);
	}

	@Test
	void forgedSignatureIsRefused() {
		CallSigner forger = new CallSigner("k1", "a-guess-that-is-not-the-secret-of-k1", Clock.systemUTC());
		String body = add(1, 2);
		assertThat(refusal(post(required, body, signed(forger, body, headers("forged-1"))), 401))
			.isEqualTo("signature-invalid");
		assertThat(refusal(post(ifPresent, body, signed(forger, body, headers("forged-2"))), 401))
			.isEqualTo("signature-invalid");
	}

	@Test
	void clientWithAKeyTheServerDoesNotKnowIsRefused() {
		SecureCalculatorClient calculator = client("k9", "a-key-the-server-was-never-given-at-all");
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> calculator.add(1, 2))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(RpcErrorCodes.INVALID_REQUEST))
			.withMessageContaining("Unauthenticated");
	}

	@Test
	void tamperedBodyOrHeaderIsRefused() {
		CallSigner signer = new CallSigner("k1", SECRET_1, Clock.systemUTC());
		Map<String, String> headers = signed(signer, add(1, 2), headers("tampered-1"));
		assertThat(refusal(post(required, add(1000, 2), headers), 401)).isEqualTo("signature-invalid");
		Map<String, String> other = signed(signer, add(1, 2), headers("tampered-2"));
		other.put(RpcHeaders.IDEMPOTENCY_KEY, "tampered-3");
		assertThat(refusal(post(required, add(1, 2), other), 401)).isEqualTo("signature-invalid");
	}

	@Test
	void replayedSignedCallIsRefused() {
		CallSigner signer = new CallSigner("k1", SECRET_1, Clock.systemUTC());
		String body = add(20, 22);
		Map<String, String> headers = signed(signer, body, headers("replayed-1"));
		assertThat(result(post(required, body, headers))).isEqualTo(42);
		assertThat(refusal(post(required, body, headers), 403)).isEqualTo("signature-replayed");
	}

	@Test
	void callSignedOutsideTheClockSkewIsRefused() {
		CallSigner late = new CallSigner("k2", SECRET_2, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1)));
		String body = add(1, 2);
		assertThat(refusal(post(required, body, signed(late, body, headers("late-1"))), 403))
			.isEqualTo("signature-expired");
		CallSigner early = new CallSigner("k2", SECRET_2, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
		assertThat(refusal(post(required, body, signed(early, body, headers("early-1"))), 403))
			.isEqualTo("signature-expired");
	}

	@Test
	void forgedForwardedByHeaderGainsNothing() {
		// unsigned, it is refused like any other call
		Map<String, String> unsigned = headers("forwarded-1");
		unsigned.put(RpcHeaders.FORWARDED_BY, "http://127.0.0.1:1");
		assertThat(refusal(post(required, add(1, 2), unsigned), 401)).isEqualTo("signature-missing");
		// added to a signed call, it breaks the signature
		CallSigner signer = new CallSigner("k1", SECRET_1, Clock.systemUTC());
		Map<String, String> headers = signed(signer, add(1, 2), headers("forwarded-2"));
		headers.put(RpcHeaders.FORWARDED_BY, "http://127.0.0.1:1");
		assertThat(refusal(post(required, add(1, 2), headers), 401)).isEqualTo("signature-invalid");
	}

	@Test
	void malformedSignatureIsRefused() {
		Map<String, String> headers = headers("malformed-1");
		headers.put(RpcHeaders.SIGNATURE, "keyId=k1, sig=abc");
		assertThat(refusal(post(required, add(1, 2), headers), 401)).isEqualTo("signature-malformed");
	}

	@Test
	void forwardingNodeSignsTheCallsItForwards() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("calculator", new CalculatorServer()));
		String owner = endpoint(required).toString();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Forwarder signing = new Forwarder(JsonMapper.builder().build(), "node-a", Duration.ofSeconds(2),
				Duration.ofMillis(100), null, new CallSigner("k2", SECRET_2, Clock.systemUTC()));
		Object result = signing.forward(TestServerCalls.of(registry, "calc.add", headers("forwarded-3"), 40, 2), owner,
				deadline);
		assertThat(new String(((SerializedResult) result).json(), StandardCharsets.UTF_8)).isEqualTo("42");
		Forwarder unsigned = new Forwarder(JsonMapper.builder().build(), "node-a", Duration.ofSeconds(2),
				Duration.ofMillis(100), null, null);
		assertThatExceptionOfType(RpcErrorException.class)
			.isThrownBy(() -> unsigned.forward(TestServerCalls.of(registry, "calc.add", headers("forwarded-4"), 1, 2),
					owner, deadline))
			.satisfies((ex) -> assertThat(ex.getData().get("reason")).isEqualTo("signature-missing"));
	}

	/**
	 * Sheds the first attempt of {@code calc.negate} as overloaded, so that the client
	 * retries it.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ShedFirstAttempt {

		static final List<String> attempts = new CopyOnWriteArrayList<>();

		@Bean
		ServerInterceptor shedFirstAttemptOfNegate() {
			return new ServerInterceptor() {

				@Override
				public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
					String attempt = call.getHeader(RpcHeaders.ATTEMPT);
					if (call.getMethod().getName().equals("calc.negate") && attempt != null) {
						attempts.add(attempt);
						if (attempt.equals("1")) {
							throw new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded",
									Map.of("reason", "test"), 10L);
						}
					}
					return chain.proceed(call);
				}

				@Override
				public int getOrder() {
					return Ordered.HIGHEST_PRECEDENCE;
				}

			};
		}

	}

}
