package dev.resilientrpc.server;

import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Checks a whole HTTP request (its body and headers) before any call in it is processed,
 * for example its signature. {@link JsonRpcServlet} answers a refusal without parsing the
 * body, so nothing in a refused request runs.
 */
@FunctionalInterface
public interface RequestVerifier {

	/**
	 * Verify a request.
	 * @param path the request path, as the client addressed it
	 * @param body the body
	 * @param length how many bytes of {@code body} to read
	 * @param headers the request headers by name
	 * @return {@code null} to accept the request, or why it is refused
	 */
	@Nullable Refusal verify(String path, byte[] body, int length, Function<String, @Nullable String> headers);

	/**
	 * Why a request is refused: the HTTP status and the JSON-RPC error to answer with.
	 *
	 * @param status the HTTP status, such as 401
	 * @param code the JSON-RPC error code
	 * @param message the JSON-RPC error message
	 * @param data the error's {@code data}, with a {@code reason}
	 */
	record Refusal(int status, int code, String message, Map<String, ?> data) {
	}

}
