package dev.resilientrpc.client;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.protocol.RpcErrorCodes;

/**
 * The remote method threw an exception (JSON-RPC error {@code -32000}). The remote
 * exception's class name and message are available; its stack trace never leaves the
 * server.
 */
public class RpcApplicationException extends RpcRemoteException {

	/**
	 * Create a new instance.
	 * @param method the JSON-RPC method that was called
	 * @param errorMessage the error message
	 * @param data the error's {@code data} member or {@code null}
	 */
	public RpcApplicationException(String method, String errorMessage, @Nullable JsonNode data) {
		super(method, RpcErrorCodes.APPLICATION_ERROR, errorMessage, data, null);
	}

	/**
	 * Return the class name of the exception the remote method threw.
	 * @return the class name or {@code null} if the server did not say
	 */
	public @Nullable String getRemoteExceptionType() {
		JsonNode data = getData();
		JsonNode type = (data != null) ? data.get("exception") : null;
		return (type != null && type.isString()) ? type.asString() : null;
	}

	/**
	 * Return the message of the exception the remote method threw.
	 * @return the message or {@code null}
	 */
	public @Nullable String getRemoteMessage() {
		JsonNode data = getData();
		JsonNode message = (data != null) ? data.get("message") : null;
		return (message != null && message.isString()) ? message.asString() : null;
	}

}
