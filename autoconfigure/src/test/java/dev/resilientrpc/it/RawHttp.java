package dev.resilientrpc.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client, as any JSON-RPC client in any language would be.
 */
public final class RawHttp {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final URI endpoint;

	public RawHttp(URI endpoint) {
		this.endpoint = endpoint;
	}

	public Answer post(String body) {
		return send("POST", body, "application/json");
	}

	public Answer post(String body, @Nullable String authorization) {
		return send("POST", body, "application/json", authorization);
	}

	public Answer send(String method, @Nullable String body, @Nullable String contentType) {
		return send(method, body, contentType, null);
	}

	private Answer send(String method, @Nullable String body, @Nullable String contentType,
			@Nullable String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.endpoint).timeout(Duration.ofSeconds(10));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		try {
			HttpResponse<String> response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body(),
					response.headers().firstValue("Retry-After").orElse(null));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public static JsonNode json(String text) {
		return mapper.readTree(text);
	}

	/**
	 * An HTTP answer.
	 *
	 * @param status the status
	 * @param body the body
	 * @param retryAfter the Retry-After header
	 */
	public record Answer(int status, String body, @Nullable String retryAfter) {

		public JsonNode json() {
			return RawHttp.json(this.body);
		}

		public int errorCode() {
			return json().path("error").path("code").asInt();
		}

	}

}
