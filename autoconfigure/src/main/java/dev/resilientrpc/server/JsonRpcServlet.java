package dev.resilientrpc.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;

import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;

/**
 * The HTTP endpoint of a {@link JsonRpcServer}: accepts {@code POST} with
 * {@code Content-Type: application/json} and a body no larger than the configured limit.
 *
 * <p>
 * JSON-RPC errors are answered with HTTP 200, as JSON-RPC over HTTP clients expect,
 * except "overloaded" ({@code -32002}), which is answered with 503 and
 * {@code Retry-After}. Requests that never reach JSON-RPC processing get an HTTP status
 * that says why (405, 413, 415) and a JSON-RPC error body. A request made only of
 * notifications gets 204.
 *
 * <p>
 * Before the body is parsed, the request must pass the {@link RequestLimits} (header size
 * 431, {@code Idempotency-Key} length and charset 400, requests in flight 503 with
 * {@code -32002}, never queued) and every {@link RequestVerifier}.
 */
public class JsonRpcServlet extends HttpServlet {

	private static final int INITIAL_BUFFER = 8192;

	private final transient JsonRpcServer server;

	private final long maxRequestSize;

	private final RequestLimits limits;

	private final transient @Nullable Semaphore inFlight;

	private final transient List<RequestVerifier> verifiers;

	/**
	 * Create a new servlet.
	 * @param server the server that processes bodies
	 * @param maxRequestSize the largest body accepted, in bytes
	 */
	public JsonRpcServlet(JsonRpcServer server, long maxRequestSize) {
		this(server, RequestLimits.ofMaxRequestSize(maxRequestSize), List.of());
	}

	/**
	 * Create a new servlet.
	 * @param server the server that processes bodies
	 * @param limits the limits a request must pass
	 * @param verifiers what else a request must pass, in order
	 */
	public JsonRpcServlet(JsonRpcServer server, RequestLimits limits, List<RequestVerifier> verifiers) {
		this.server = server;
		this.maxRequestSize = limits.maxRequestSize();
		this.limits = limits;
		this.inFlight = (limits.maxInFlight() > 0) ? new Semaphore(limits.maxInFlight()) : null;
		this.verifiers = List.copyOf(verifiers);
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!"POST".equals(request.getMethod())) {
			response.setHeader("Allow", "POST");
			reject(response, 405, "JSON-RPC requests must use HTTP POST");
			return;
		}
		if (!isJson(request.getContentType())) {
			reject(response, 415, "Content-Type must be application/json, was " + request.getContentType());
			return;
		}
		String tooLargeHeaders = checkHeaderSize(request);
		if (tooLargeHeaders != null) {
			reject(response, 431, tooLargeHeaders);
			return;
		}
		String invalidKey = checkIdempotencyKey(request.getHeader(RpcHeaders.IDEMPOTENCY_KEY));
		if (invalidKey != null) {
			reject(response, 400, invalidKey);
			return;
		}
		long declared = request.getContentLengthLong();
		if (declared > this.maxRequestSize) {
			reject(response, 413, tooLarge());
			return;
		}
		byte[] buffer = new byte[(int) Math.min(Math.max(declared, INITIAL_BUFFER), this.maxRequestSize + 1)];
		int length = 0;
		InputStream in = request.getInputStream();
		int read;
		while ((read = in.read(buffer, length, buffer.length - length)) != -1) {
			length += read;
			if (length > this.maxRequestSize) {
				reject(response, 413, tooLarge());
				return;
			}
			if (length == buffer.length) {
				buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, this.maxRequestSize + 1));
			}
		}
		for (RequestVerifier verifier : this.verifiers) {
			RequestVerifier.Refusal refusal = verifier.verify(request.getRequestURI(), buffer, length,
					request::getHeader);
			if (refusal != null) {
				byte[] body = this.server.errorBody(refusal.code(), refusal.message(), refusal.data());
				write(response, new JsonRpcServer.Response(refusal.status(), body, null));
				return;
			}
		}
		Semaphore permits = this.inFlight;
		// taken once the body is in, so that slow senders do not hold permits; and never
		// waited for: a request is shed at once, before anything of it ran
		if (permits != null && !permits.tryAcquire()) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("reason", "overloaded");
			data.put("detail",
					this.limits.maxInFlight() + " requests are already in flight; the call was not executed");
			byte[] body = this.server.errorBody(RpcErrorCodes.OVERLOADED, "Overloaded", data);
			write(response, new JsonRpcServer.Response(503, body, this.limits.retryAfter().toMillis()));
			return;
		}
		try {
			write(response, this.server.handle(buffer, length, request::getHeader));
		}
		finally {
			if (permits != null) {
				permits.release();
			}
		}
	}

	private @Nullable String checkHeaderSize(HttpServletRequest request) {
		long size = 0;
		Enumeration<String> names = request.getHeaderNames();
		while (names.hasMoreElements()) {
			String name = names.nextElement();
			Enumeration<String> values = request.getHeaders(name);
			while (values.hasMoreElements()) {
				size += name.length() + values.nextElement().length();
			}
		}
		if (size > this.limits.maxHeaderSize()) {
			return "headers of " + size + " bytes exceed the limit of " + this.limits.maxHeaderSize() + " bytes";
		}
		return null;
	}

	private @Nullable String checkIdempotencyKey(@Nullable String key) {
		if (key != null) {
			if (key.isEmpty() || key.length() > this.limits.maxIdempotencyKeyLength()) {
				return RpcHeaders.IDEMPOTENCY_KEY + " must be 1 to " + this.limits.maxIdempotencyKeyLength()
						+ " characters long, was " + key.length();
			}
			for (int i = 0; i < key.length(); i++) {
				char c = key.charAt(i);
				if (c < 0x21 || c > 0x7e) {
					return RpcHeaders.IDEMPOTENCY_KEY + " must hold only visible ASCII characters (no spaces), found 0x"
							+ Integer.toHexString(c) + " at " + i;
				}
			}
		}
		return null;
	}

	private String tooLarge() {
		return "request body exceeds the limit of " + this.maxRequestSize + " bytes";
	}

	private static boolean isJson(@Nullable String contentType) {
		if (!StringUtils.hasText(contentType)) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.isCompatibleWith(type)
					|| ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private void reject(HttpServletResponse response, int status, String reason) throws IOException {
		byte[] body = this.server.errorBody(RpcErrorCodes.INVALID_REQUEST, "Invalid Request", Map.of("reason", reason));
		write(response, new JsonRpcServer.Response(status, body, null));
	}

	private static void write(HttpServletResponse response, JsonRpcServer.Response result) throws IOException {
		response.setStatus(result.status());
		if (result.retryAfterMillis() != null) {
			response.setHeader("Retry-After", Long.toString(Math.max(1, (result.retryAfterMillis() + 999) / 1000)));
		}
		byte[] body = result.body();
		if (body != null) {
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		}
	}

}
