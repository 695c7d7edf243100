package dev.resilientrpc.slot;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.resilientrpc.observation.DefaultRpcClientObservationConvention;
import dev.resilientrpc.observation.RpcClientObservationContext;
import dev.resilientrpc.observation.RpcObservationDocumentation;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.security.CallSigner;
import dev.resilientrpc.server.SerializedResult;
import dev.resilientrpc.server.ServerCall;

/**
 * Sends a call to the node that serves its key, one hop, with the same
 * {@code Idempotency-Key}, {@code Rpc-Timestamp}, ordering key, attempt and what is left
 * of its deadline, and {@code Rpc-Forwarded-By} so that it is not forwarded again. The
 * owner's answer, result or error, becomes this node's answer. A call the owner never
 * received (its connection was refused) did not run: {@code -32002}. A call whose answer
 * was lost may have run: {@code -32007}, whose retry with the same
 * {@code Idempotency-Key} (given in its {@code data}) learns the outcome.
 */
public final class Forwarder {

	private static final String UNREACHABLE = "owner-unreachable";

	private static final DefaultRpcClientObservationConvention DEFAULT_OBSERVATION_CONVENTION = new DefaultRpcClientObservationConvention();

	private final ObjectMapper mapper;

	private final HttpClient http;

	private final String self;

	private final long retryAfterMillis;

	private final @Nullable CallSigner signer;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * Create a forwarder.
	 * @param mapper the JSON-RPC mapper
	 * @param self this node's id, sent as {@code Rpc-Forwarded-By}
	 * @param connectTimeout how long to wait for a connection to the owner
	 * @param retryAfter the {@code Retry-After} of calls that could not be forwarded
	 */
	public Forwarder(ObjectMapper mapper, String self, Duration connectTimeout, Duration retryAfter) {
		this(mapper, self, connectTimeout, retryAfter, null, null);
	}

	/**
	 * Create a forwarder that calls https owners with the given TLS context.
	 * @param mapper the JSON-RPC mapper
	 * @param self this node's id, sent as {@code Rpc-Forwarded-By}
	 * @param connectTimeout how long to wait for a connection to the owner
	 * @param retryAfter the {@code Retry-After} of calls that could not be forwarded
	 * @param sslContext the trust material (and client certificate, for mutual TLS) of
	 * connections to the owners, or {@code null} for the JDK's defaults
	 * @param signer signs forwarded calls (with this node's key), or {@code null} not to
	 * sign them
	 */
	public Forwarder(ObjectMapper mapper, String self, Duration connectTimeout, Duration retryAfter,
			@Nullable SSLContext sslContext, @Nullable CallSigner signer) {
		this.mapper = mapper;
		this.signer = signer;
		this.self = self;
		this.retryAfterMillis = retryAfter.toMillis();
		HttpClient.Builder http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.version(HttpClient.Version.HTTP_1_1);
		if (sslContext != null) {
			http.sslContext(sslContext);
		}
		this.http = http.build();
	}

	/**
	 * Forward a call and return the owner's answer.
	 * @param call the call, with its idempotency key and timestamp set
	 * @param endpoint the owner's JSON-RPC endpoint
	 * @param deadlineNanos when the caller gives up
	 * @return the owner's result, as JSON to write as it is
	 * @throws RpcErrorException the owner's error, or why the call could not be forwarded
	 */
	public Object forward(ServerCall call, String endpoint, long deadlineNanos) {
		if (this.observationRegistry.isNoop()) {
			return send(call, endpoint, deadlineNanos, Map.of());
		}
		// the hop is a client call of its own, so that a trace shows client -> node ->
		// owner
		Map<String, String> traceHeaders = new LinkedHashMap<>();
		Observation observation = RpcObservationDocumentation.CLIENT_CALL
			.observation(null, DEFAULT_OBSERVATION_CONVENTION, () -> {
				RpcClientObservationContext context = new RpcClientObservationContext(call.getMethod().getService(),
						call.getMethod().getName(), traceHeaders);
				context.setServer(URI.create(endpoint));
				context.addAttempt();
				return context;
			}, this.observationRegistry)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			return send(call, endpoint, deadlineNanos, traceHeaders);
		}
		catch (RpcErrorException ex) {
			if (observation.getContext() instanceof RpcClientObservationContext context) {
				context.setErrorCode(ex.getCode());
			}
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Record the forwarding of each call as a client observation
	 * ({@code rpc.client.call.duration}), whose trace context the owner continues.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	private Object send(ServerCall call, String endpoint, long deadlineNanos, Map<String, String> traceHeaders) {
		long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
		ObjectNode request = this.mapper.createObjectNode();
		request.put("jsonrpc", "2.0");
		request.put("method", call.getMethod().getName());
		ArrayNode params = request.putArray("params");
		for (Object argument : call.getArguments()) {
			params.add(this.mapper.valueToTree(argument));
		}
		request.put("id", 1);
		byte[] body = this.mapper.writeValueAsBytes(request);
		URI uri = URI.create(endpoint);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(RpcHeaders.FORWARDED_BY, this.self);
		headers.put(RpcHeaders.TIMEOUT, Long.toString(left));
		copy(call, headers, RpcHeaders.IDEMPOTENCY_KEY);
		copy(call, headers, RpcHeaders.TIMESTAMP);
		copy(call, headers, RpcHeaders.ORDERING_KEY);
		copy(call, headers, RpcHeaders.ATTEMPT);
		if (this.signer != null) {
			// signed anew by this node: what the caller signed was its own request, to
			// this node
			String path = uri.getRawPath();
			headers.put(RpcHeaders.SIGNATURE,
					this.signer.sign((path != null && !path.isEmpty()) ? path : "/", body, headers::get));
		}
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofMillis(left))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		headers.forEach(builder::header);
		traceHeaders.forEach(builder::header);
		HttpResponse<byte[]> response;
		try {
			response = this.http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (ConnectException | HttpConnectTimeoutException ex) {
			throw unreachable(endpoint, "cannot connect: " + ex.getMessage());
		}
		catch (IOException ex) {
			throw unknown(call, endpoint, "its answer was lost: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unknown(call, endpoint, "interrupted while waiting for its answer");
		}
		JsonNode root;
		try {
			root = this.mapper.readTree(response.body());
		}
		catch (RuntimeException ex) {
			throw unknown(call, endpoint, "it answered HTTP " + response.statusCode() + " without JSON-RPC");
		}
		JsonNode result = root.get("result");
		if (result != null) {
			return SerializedResult.of(this.mapper.writeValueAsBytes(result));
		}
		JsonNode error = root.path("error");
		if (!error.isObject()) {
			throw unknown(call, endpoint, "it answered HTTP " + response.statusCode() + " without a result");
		}
		JsonNode data = error.path("data");
		Map<String, Object> dataMap = new LinkedHashMap<>();
		if (data.isObject()) {
			dataMap.putAll(this.mapper.convertValue(data, Map.class));
		}
		Long retryAfter = response.headers()
			.firstValue("Retry-After")
			.map(Forwarder::seconds)
			.orElse((error.path("code").asInt() == RpcErrorCodes.OVERLOADED) ? this.retryAfterMillis : null);
		throw new RpcErrorException(error.path("code").asInt(RpcErrorCodes.INTERNAL_ERROR),
				error.path("message").asString(""), dataMap, retryAfter);
	}

	private static void copy(ServerCall call, Map<String, String> headers, String header) {
		String value = call.getHeader(header);
		if (value != null) {
			headers.put(header, value);
		}
	}

	private static @Nullable Long seconds(String value) {
		try {
			return Long.parseLong(value.trim()) * 1000;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Whether an error is this forwarder's answer for an owner that refused the
	 * connection, so that the call certainly did not run there.
	 * @param ex the error
	 * @return whether the owner was unreachable
	 */
	static boolean isUnreachable(RpcErrorException ex) {
		return ex.getCode() == RpcErrorCodes.OVERLOADED && UNREACHABLE.equals(ex.getData().get("reason"));
	}

	private RpcErrorException unreachable(String endpoint, String detail) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", UNREACHABLE);
		data.put("detail", "the node serving the key, " + endpoint + ", " + detail + "; the call was not executed");
		data.put("owner", endpoint);
		return new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", data, this.retryAfterMillis);
	}

	private RpcErrorException unknown(ServerCall call, String endpoint, String detail) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", "outcome-unknown");
		data.put("detail", "the call was forwarded to " + endpoint + ", which serves its key, and " + detail
				+ "; retry with the same Idempotency-Key to learn the outcome");
		String key = call.getHeader(RpcHeaders.IDEMPOTENCY_KEY);
		if (key != null) {
			data.put("idempotencyKey", key);
		}
		data.put("owner", endpoint);
		return new RpcErrorException(RpcErrorCodes.OUTCOME_UNKNOWN, "Outcome unknown", data, this.retryAfterMillis);
	}

}
