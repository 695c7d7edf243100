package dev.resilientrpc.sample.chaos;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.resilientrpc.sample.history.History.Outcome;

/**
 * A JSON-RPC client such as one written in another language would be: plain HTTP POSTs of
 * JSON-RPC 2.0 requests, no proxy, no ring, its own retries.
 *
 * <p>
 * With {@link Headers#SENT} it sends what the design asks of a careful client: one
 * {@code Idempotency-Key} and one {@code Rpc-Timestamp} per logical call (the same on
 * every retry), and the key as {@code Rpc-Ordering-Key}; it retries anything whose
 * outcome is unknown, on any node. With {@link Headers#NONE} it sends no {@code Rpc-*}
 * header at all, to a node picked at random, and retries only calls that were certainly
 * not executed.
 */
final class PlainKvClient {

	/**
	 * What the client puts in the request headers.
	 */
	enum Headers {

		SENT, NONE

	}

	private static final ObjectMapper mapper = JsonMapper.builder().build();

	private static final AtomicLong clock = new AtomicLong();

	private final HttpClient http;

	private final List<URI> nodes;

	private final Headers headers;

	private final Random random;

	private final Duration attemptTimeout;

	private final Duration deadline;

	private final AtomicLong ids = new AtomicLong();

	PlainKvClient(List<String> nodes, Headers headers, long seed, Duration attemptTimeout, Duration deadline) {
		this.http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofMillis(500))
			.version(HttpClient.Version.HTTP_1_1)
			.build();
		this.nodes = nodes.stream().map((node) -> URI.create(node + "/rpc")).toList();
		this.headers = headers;
		this.random = new Random(seed);
		this.attemptTimeout = attemptTimeout;
		this.deadline = deadline;
	}

	/**
	 * What one logical call came to.
	 *
	 * @param outcome how it ended
	 * @param result the result, when acknowledged
	 * @param detail how the last attempt ended
	 * @param attempts how many attempts were sent
	 */
	record Result(Outcome outcome, @Nullable String result, @Nullable String detail, int attempts) {

	}

	/**
	 * A hybrid-logical-clock timestamp, greater than every one this JVM gave before.
	 */
	static long timestamp() {
		long physical = System.currentTimeMillis() << 16;
		return clock.updateAndGet((last) -> Math.max(last + 1, physical));
	}

	Result call(String method, String key, @Nullable String value) {
		return call(method, key, value, this.deadline);
	}

	Result call(String method, String key, @Nullable String value, Duration deadline) {
		ObjectNode request = mapper.createObjectNode();
		request.put("jsonrpc", "2.0");
		request.put("method", method);
		if (value != null) {
			request.putArray("params").add(key).add(value);
		}
		else {
			request.putArray("params").add(key);
		}
		request.put("id", this.ids.incrementAndGet());
		byte[] body = mapper.writeValueAsBytes(request);
		String idempotencyKey = UUID.randomUUID().toString();
		String timestamp = Long.toString(timestamp());
		long deadlineNanos = System.nanoTime() + deadline.toNanos();
		boolean ambiguous = false;
		String detail = null;
		int attempts = 0;
		List<URI> order = new ArrayList<>(this.nodes);
		URI redirect = null;
		while (System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
			URI node = (redirect != null) ? redirect : order.get(this.random.nextInt(order.size()));
			redirect = null;
			attempts++;
			long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
			HttpRequest.Builder builder = HttpRequest.newBuilder(node)
				.timeout(Duration.ofMillis(Math.min(left, this.attemptTimeout.toMillis())))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofByteArray(body));
			if (this.headers == Headers.SENT) {
				builder.header("Idempotency-Key", idempotencyKey)
					.header("Rpc-Timestamp", timestamp)
					.header("Rpc-Ordering-Key", key)
					.header("Rpc-Attempt", Integer.toString(attempts))
					.header("Rpc-Timeout", Long.toString(left));
			}
			Attempt attempt = send(builder.build());
			detail = attempt.detail;
			switch (attempt.kind) {
				case OK:
					return new Result(Outcome.OK, attempt.result, null, attempts);
				case NOT_EXECUTED:
					break;
				case AMBIGUOUS:
					ambiguous = true;
					if (this.headers == Headers.NONE) {
						// without an Idempotency-Key a retry is a new call: it could
						// apply twice
						return new Result(Outcome.UNKNOWN, null, detail, attempts);
					}
					break;
				case MOVED:
					redirect = attempt.owner;
					continue;
				case BUG:
					return new Result(Outcome.UNKNOWN, null, "unexpected answer: " + detail, attempts);
			}
			pause(attempt.retryAfterMillis);
		}
		return new Result(ambiguous ? Outcome.UNKNOWN : Outcome.FAILED, null, detail, attempts);
	}

	private void pause(long retryAfterMillis) {
		long millis = (retryAfterMillis > 0) ? Math.min(retryAfterMillis, 1000) : 20 + this.random.nextInt(80);
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private enum Kind {

		OK, NOT_EXECUTED, AMBIGUOUS, MOVED, BUG

	}

	private record Attempt(Kind kind, @Nullable String result, @Nullable String detail, long retryAfterMillis,
			@Nullable URI owner) {

		static Attempt of(Kind kind, String detail) {
			return new Attempt(kind, null, detail, 0, null);
		}

	}

	private Attempt send(HttpRequest request) {
		HttpResponse<byte[]> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (ConnectException | HttpConnectTimeoutException ex) {
			// never reached the node
			return Attempt.of(Kind.NOT_EXECUTED, "connect: " + ex);
		}
		catch (IOException ex) {
			return Attempt.of(Kind.AMBIGUOUS, "io: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Attempt.of(Kind.AMBIGUOUS, "interrupted");
		}
		String text = new String(response.body(), StandardCharsets.UTF_8);
		JsonNode root;
		try {
			root = mapper.readTree(text);
		}
		catch (RuntimeException ex) {
			return Attempt.of(Kind.AMBIGUOUS, "HTTP " + response.statusCode() + " without JSON: " + abbreviate(text));
		}
		if (root.has("result")) {
			JsonNode result = root.get("result");
			return new Attempt(Kind.OK, result.isNull() ? null : result.asString(), null, 0, null);
		}
		JsonNode error = root.path("error");
		int code = error.path("code").asInt(0);
		long retryAfter = error.path("data").path("retryAfterMillis").asLong(0);
		String retryAfterHeader = response.headers().firstValue("Retry-After").orElse(null);
		if (retryAfterHeader != null) {
			try {
				retryAfter = Math.max(retryAfter, Long.parseLong(retryAfterHeader.trim()) * 1000);
			}
			catch (NumberFormatException ex) {
				// not seconds: ignore
			}
		}
		String detail = code + " " + abbreviate(error.toString());
		return switch (code) {
			// each promises the call did not run
			case -32001, -32002, -32003 -> new Attempt(Kind.NOT_EXECUTED, null, detail, retryAfter, null);
			case -32008 -> {
				String owner = error.path("data").path("owner").asString(null);
				yield (owner != null) ? new Attempt(Kind.MOVED, null, detail, 0, URI.create(owner))
						: Attempt.of(Kind.NOT_EXECUTED, detail);
			}
			// still running, or may have run: a retry with the same key finds out
			case -32004, -32007, -32603 -> new Attempt(Kind.AMBIGUOUS, null, detail, retryAfter, null);
			default -> Attempt.of(Kind.BUG, detail);
		};
	}

	private static String abbreviate(String text) {
		return (text.length() > 300) ? text.substring(0, 300) + "..." : text;
	}

}
