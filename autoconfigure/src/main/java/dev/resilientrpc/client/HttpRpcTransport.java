package dev.resilientrpc.client;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Sends an attempt as one JSON-RPC request (positional params, numeric id) over HTTP with
 * a {@link RestClient}, and turns the answer into a result or a typed
 * {@link RpcException}. Each service may have a {@link RestClient} of its own, for
 * example with its own TLS trust material or credentials.
 */
public class HttpRpcTransport implements RpcTransport {

	private final Function<String, RestClient> serviceClients;

	private final Map<String, RestClient> clients = new ConcurrentHashMap<>();

	private final ObjectMapper mapper;

	private final AtomicLong ids = new AtomicLong();

	/**
	 * Create a new transport.
	 * @param restClient the client that sends requests; its request factory decides the
	 * connection pool and timeouts
	 * @param mapper the mapper that writes params and reads results
	 */
	public HttpRpcTransport(RestClient restClient, ObjectMapper mapper) {
		this((service) -> restClient, mapper);
	}

	/**
	 * Create a new transport that sends the calls of each service with a client of its
	 * own.
	 * @param serviceClients creates the client of a service, from its name, once
	 * @param mapper the mapper that writes params and reads results
	 */
	public HttpRpcTransport(Function<String, RestClient> serviceClients, ObjectMapper mapper) {
		this.serviceClients = serviceClients;
		this.mapper = mapper;
	}

	// NullAway without JSpecify generics (that needs JDK 22, or a 17 newer than ours)
	// sees the
	// T of exchange() as non-null
	@SuppressWarnings("NullAway")
	@Override
	public @Nullable Object send(ClientCall call) {
		ServiceInstance target = call.getTarget();
		if (target == null) {
			throw new NoAvailableInstanceException(call.getService());
		}
		URI endpoint = target.endpoint();
		long id = this.ids.incrementAndGet();
		byte[] body = requestBody(call, id);
		try {
			RestClient client = this.clients.computeIfAbsent(call.getService(), this.serviceClients);
			return client.post()
				.uri(endpoint)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON)
				.headers((headers) -> {
					headers.set(RpcHeaders.IDEMPOTENCY_KEY, call.getIdempotencyKey());
					headers.set(RpcHeaders.ATTEMPT, Integer.toString(call.getAttempt()));
					String routingKey = call.getRoutingKey();
					if (routingKey != null) {
						headers.set(RpcHeaders.ORDERING_KEY, routingKey);
					}
					call.getHeaders().forEach(headers::set);
				})
				.body(body)
				.exchange((request, response) -> {
					byte[] answer = response.getBody().readAllBytes();
					return readResponse(call, id, endpoint, response.getStatusCode(), response.getHeaders(), answer);
				});
		}
		catch (ResourceAccessException ex) {
			throw translate(endpoint, ex);
		}
	}

	private byte[] requestBody(ClientCall call, long id) {
		ObjectNode request = this.mapper.createObjectNode();
		request.put("jsonrpc", "2.0");
		request.put("method", call.getMethod().name());
		request.set("params", this.mapper.valueToTree(call.getArguments()));
		request.put("id", id);
		try {
			return this.mapper.writeValueAsBytes(request);
		}
		catch (JacksonException ex) {
			throw new RpcException("Cannot write the params of " + call.getMethod().name() + " as JSON", ex, false);
		}
	}

	private @Nullable Object readResponse(ClientCall call, long id, URI endpoint, HttpStatusCode status,
			HttpHeaders headers, byte[] answer) {
		String method = call.getMethod().name();
		JsonNode root = null;
		if (answer.length > 0) {
			try {
				root = this.mapper.readTree(answer);
			}
			catch (JacksonException ex) {
				// not JSON: judged by the HTTP status below
			}
		}
		if (root == null || !root.isObject() || !root.has("jsonrpc")) {
			String problem = "HTTP " + status.value() + " from " + endpoint + " without a JSON-RPC response";
			if (status.is5xxServerError()) {
				throw new RpcTransportException(problem, endpoint, null);
			}
			if (status.value() == 401 || status.value() == 403) {
				throw new RpcProtocolException(problem + " (refused: check the credentials sent to this service)",
						null);
			}
			throw new RpcProtocolException(problem + " (is this a resilient-rpc endpoint?)", null);
		}
		JsonNode error = root.get("error");
		if (error != null && error.isObject()) {
			int code = error.path("code").asInt(RpcErrorCodes.INTERNAL_ERROR);
			String message = error.path("message").asString("");
			JsonNode data = error.get("data");
			if (code == RpcErrorCodes.APPLICATION_ERROR) {
				throw new RpcApplicationException(method, message, data);
			}
			throw new RpcRemoteException(method, code, message, data, retryAfter(headers));
		}
		JsonNode responseId = root.get("id");
		if (responseId == null || !responseId.canConvertToLong() || responseId.asLong() != id) {
			throw new RpcProtocolException(
					"Response to " + method + " from " + endpoint + " has id " + responseId + ", expected " + id, null);
		}
		if (!root.has("result")) {
			throw new RpcProtocolException("Response to " + method + " from " + endpoint + " has no result", null);
		}
		if (call.getMethod().returnsVoid()) {
			return null;
		}
		try {
			return this.mapper.treeToValue(root.get("result"), call.getMethod().returnType());
		}
		catch (JacksonException ex) {
			throw new RpcProtocolException("Result of " + method + " is not a valid "
					+ call.getMethod().returnType().toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private static @Nullable Duration retryAfter(HttpHeaders headers) {
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null) {
			return null;
		}
		try {
			return Duration.ofSeconds(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	static RpcException translate(URI endpoint, ResourceAccessException ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
				|| cause instanceof NoRouteToHostException || cause instanceof UnknownHostException) {
			return new RpcConnectException(endpoint, cause);
		}
		if (cause instanceof HttpTimeoutException || cause instanceof InterruptedIOException) {
			return new RpcTimeoutException(endpoint, cause);
		}
		return new RpcTransportException("Request to " + endpoint + " failed: " + cause, endpoint, cause);
	}

}
