package dev.resilientrpc.client;

import java.net.URI;

/**
 * No connection to the instance could be made (refused, unreachable, connect timeout):
 * the request never reached the server, so the call is always retryable.
 */
public class RpcConnectException extends RpcTransportException {

	/**
	 * Create a new instance.
	 * @param endpoint the endpoint of the attempt
	 * @param cause the cause
	 */
	public RpcConnectException(URI endpoint, Throwable cause) {
		super("Cannot connect to " + endpoint + ": " + cause, endpoint, cause, true);
	}

	@Override
	public boolean mayHaveBeenSent() {
		return false;
	}

}
