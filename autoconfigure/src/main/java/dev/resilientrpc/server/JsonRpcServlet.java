package dev.resilientrpc.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcErrorCodes;

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
 */
public class JsonRpcServlet extends HttpServlet {

	private static final int INITIAL_BUFFER = 8192;

	private final transient JsonRpcServer server;

	private final long maxRequestSize;

	/**
	 * Create a new servlet.
	 * @param server the server that processes bodies
	 * @param maxRequestSize the largest body accepted, in bytes
	 */
	public JsonRpcServlet(JsonRpcServer server, long maxRequestSize) {
		this.server = server;
		this.maxRequestSize = maxRequestSize;
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
		write(response, this.server.handle(buffer, length, request::getHeader));
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
