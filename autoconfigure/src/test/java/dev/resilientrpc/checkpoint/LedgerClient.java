package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.protocol.RpcHeaders;

/**
 * Calls the ledger of a node over HTTP with plain JDK classes, setting the idempotency
 * key.
 */
final class LedgerClient {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final URI endpoint;

	LedgerClient(int port) {
		this.endpoint = URI.create("http://127.0.0.1:" + port + "/rpc");
	}

	/**
	 * Call a ledger method.
	 * @param method the method name without the service
	 * @param params the params
	 * @param idempotencyKey the idempotency key
	 * @return the JSON-RPC response
	 * @throws IOException if the call failed in transport
	 */
	JsonNode call(String method, List<?> params, String idempotencyKey) throws IOException {
		String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ledger." + method + "\",\"params\":"
				+ MAPPER.writeValueAsString(params) + "}";
		HttpRequest request = HttpRequest.newBuilder(this.endpoint)
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.header(RpcHeaders.IDEMPOTENCY_KEY, idempotencyKey)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return MAPPER.readTree(response.body());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	JsonNode append(String account, String entry, String idempotencyKey) throws IOException {
		return call("append", List.of(account, entry), idempotencyKey);
	}

	List<String> entries(String account) throws IOException {
		// every read is its own logical call: a shared key would be replayed or refused
		// as reused
		JsonNode result = call("entries", List.of(account), "read-" + UUID.randomUUID()).get("result");
		return MAPPER.convertValue(result, MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
	}

}
