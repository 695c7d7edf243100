package dev.resilientrpc.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.protocol.RpcErrorCodes;

/**
 * The server answered a call with a JSON-RPC error. Carries the error's code, message and
 * {@code data}; it is retryable when the code is (see
 * {@link RpcErrorCodes#isRetryable(int)}).
 */
public class RpcRemoteException extends RpcException {

	private final String method;

	private final int code;

	private final String errorMessage;

	private final @Nullable JsonNode data;

	private final @Nullable Duration retryAfter;

	/**
	 * Create a new instance.
	 * @param method the JSON-RPC method that was called
	 * @param code the error code
	 * @param errorMessage the error message
	 * @param data the error's {@code data} member or {@code null}
	 * @param retryAfter how long the server asked to wait before a retry, or {@code null}
	 */
	public RpcRemoteException(String method, int code, String errorMessage, @Nullable JsonNode data,
			@Nullable Duration retryAfter) {
		super(method + " failed with JSON-RPC error " + code + " (" + errorMessage + ")"
				+ ((data != null && !data.isNull()) ? ": " + data : ""), null, RpcErrorCodes.isRetryable(code));
		this.method = method;
		this.code = code;
		this.errorMessage = errorMessage;
		this.data = data;
		this.retryAfter = retryAfter;
	}

	/**
	 * Return the JSON-RPC method that was called.
	 * @return the method name
	 */
	public String getMethod() {
		return this.method;
	}

	/**
	 * Return the JSON-RPC error code.
	 * @return the code
	 */
	public int getCode() {
		return this.code;
	}

	/**
	 * Return the error message the server sent.
	 * @return the message
	 */
	public String getErrorMessage() {
		return this.errorMessage;
	}

	/**
	 * Return the error's {@code data} member.
	 * @return the data or {@code null}
	 */
	public @Nullable JsonNode getData() {
		return this.data;
	}

	/**
	 * Return how long the server asked the client to wait before retrying.
	 * @return the delay or {@code null}
	 */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

}
