package dev.resilientrpc.ordering;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;

/**
 * A client written against the wire contract only, as a client in another language would
 * be: it stamps each logical call once, keeps its idempotency key on every attempt,
 * retries lost responses and retryable errors on any instance, and sometimes hedges the
 * first attempt.
 */
final class RawRpcClient {

	/** The error code of a call that was retried 100 times without a final answer. */
	static final int GAVE_UP = Integer.MIN_VALUE;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final List<URI> endpoints;

	private final HybridLogicalClock clock;

	private final double hedgeProbability;

	private final boolean stamps;

	RawRpcClient(List<URI> endpoints, HybridLogicalClock clock, double hedgeProbability) {
		this(endpoints, clock, hedgeProbability, true);
	}

	/**
	 * Create a client.
	 * @param endpoints the instances, picked at random for every attempt
	 * @param clock stamps calls
	 * @param hedgeProbability how often the first attempt goes to two instances at once
	 * @param stamps whether calls carry an {@code Rpc-Timestamp}: without one a call
	 * claims no place in its key's order, and the instance stamps it
	 */
	RawRpcClient(List<URI> endpoints, HybridLogicalClock clock, double hedgeProbability, boolean stamps) {
		this.endpoints = endpoints;
		this.clock = clock;
		this.hedgeProbability = hedgeProbability;
		this.stamps = stamps;
	}

	/**
	 * Make one logical call of {@code ledger.append}, retrying until it has an answer
	 * that is not retryable.
	 */
	Call append(String account, String entry) {
		String idempotencyKey = UUID.randomUUID().toString();
		long timestamp = this.stamps ? this.clock.now() : 0;
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":"
				+ mapper.writeValueAsString(List.of(account, entry)) + ",\"id\":1}";
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int lost = 0;
		int retryable = 0;
		for (int attempt = 1; attempt <= 100; attempt++) {
			Map<String, String> headers = new HashMap<>(Map.of(RpcHeaders.IDEMPOTENCY_KEY, idempotencyKey,
					RpcHeaders.ORDERING_KEY, account, RpcHeaders.ATTEMPT, Integer.toString(attempt)));
			if (this.stamps) {
				headers.put(RpcHeaders.TIMESTAMP, Long.toString(timestamp));
			}
			Answer answer;
			if (attempt == 1 && random.nextDouble() < this.hedgeProbability) {
				CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> send(pick(), body, headers));
				CompletableFuture<Answer> second = CompletableFuture.supplyAsync(() -> send(pick(), body, headers));
				Answer a = first.join();
				Answer b = second.join();
				answer = (a.result() != null) ? a : b;
			}
			else {
				answer = send(pick(), body, headers);
			}
			if (answer.result() != null) {
				return new Call(account, entry, idempotencyKey, timestamp, 0, answer.result(), lost, retryable);
			}
			if (answer.code() == null) {
				lost++;
			}
			else if (RpcErrorCodes.isRetryable(answer.code())) {
				retryable++;
			}
			else {
				return new Call(account, entry, idempotencyKey, timestamp, answer.code(), null, lost, retryable);
			}
			pause(random.nextInt(1, 5));
		}
		return new Call(account, entry, idempotencyKey, timestamp, GAVE_UP, null, lost, retryable);
	}

	private URI pick() {
		return this.endpoints.get(ThreadLocalRandom.current().nextInt(this.endpoints.size()));
	}

	Answer send(URI endpoint, String body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		headers.forEach(request::header);
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode json = mapper.readTree(response.body());
			if (json.has("result")) {
				return new Answer(json.get("result"), null);
			}
			return new Answer(null, json.path("error").path("code").asInt());
		}
		catch (IOException ex) {
			return new Answer(null, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One HTTP answer: a result, an error code, or neither (the response was lost).
	 */
	record Answer(@Nullable JsonNode result, @Nullable Integer code) {
	}

	/**
	 * A finished logical call.
	 *
	 * @param account the account (ordering key)
	 * @param entry the appended entry
	 * @param idempotencyKey its idempotency key
	 * @param timestamp its timestamp, 0 if it was sent without one
	 * @param errorCode 0 on success, else the final error code
	 * @param result the result on success
	 * @param lostResponses how many of its responses were lost
	 * @param retryableErrors how many retryable errors it met
	 */
	record Call(String account, String entry, String idempotencyKey, long timestamp, int errorCode,
			@Nullable JsonNode result, int lostResponses, int retryableErrors) {

		boolean succeeded() {
			return this.errorCode == 0;
		}

	}

}
