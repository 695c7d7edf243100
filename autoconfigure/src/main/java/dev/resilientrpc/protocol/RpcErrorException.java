package dev.resilientrpc.protocol;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Thrown on the server side (by an interceptor or an application method) to answer a call
 * with a specific JSON-RPC error instead of the generic application error {@code -32000}.
 */
public class RpcErrorException extends RuntimeException {

	private final int code;

	private final Map<String, ?> data;

	private final @Nullable Long retryAfterMillis;

	/**
	 * Create a new instance.
	 * @param code the JSON-RPC error code
	 * @param message the error message sent to the caller
	 * @param data the {@code data} member sent to the caller
	 */
	public RpcErrorException(int code, String message, Map<String, ?> data) {
		this(code, message, data, null);
	}

	/**
	 * Create a new instance.
	 * @param code the JSON-RPC error code
	 * @param message the error message sent to the caller
	 * @param data the {@code data} member sent to the caller
	 * @param retryAfterMillis how long the caller should wait before a retry, or
	 * {@code null}
	 */
	public RpcErrorException(int code, String message, Map<String, ?> data, @Nullable Long retryAfterMillis) {
		super(message);
		this.code = code;
		this.data = data;
		this.retryAfterMillis = retryAfterMillis;
	}

	/**
	 * Return the JSON-RPC error code.
	 * @return the code
	 */
	public int getCode() {
		return this.code;
	}

	/**
	 * Return the {@code data} member of the error.
	 * @return the data
	 */
	public Map<String, ?> getData() {
		return this.data;
	}

	/**
	 * Return how long the caller should wait before retrying, if the server said so.
	 * @return the delay in milliseconds or {@code null}
	 */
	public @Nullable Long getRetryAfterMillis() {
		return this.retryAfterMillis;
	}

}
