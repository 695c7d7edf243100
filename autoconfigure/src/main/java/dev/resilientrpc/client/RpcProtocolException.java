package dev.resilientrpc.client;

import org.jspecify.annotations.Nullable;

/**
 * The server's answer was not a valid JSON-RPC response to the call: a wrong endpoint, a
 * mismatched id, or a result that does not fit the declared return type.
 */
public class RpcProtocolException extends RpcException {

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause or {@code null}
	 */
	public RpcProtocolException(String message, @Nullable Throwable cause) {
		super(message, cause, false);
	}

}
