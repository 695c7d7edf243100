package dev.resilientrpc.client;

import java.net.URI;

/**
 * No response arrived within the read timeout. The server may have executed the call, so
 * it is not retryable as it is.
 */
public class RpcTimeoutException extends RpcTransportException {

	/**
	 * Create a new instance.
	 * @param endpoint the endpoint of the attempt
	 * @param cause the cause
	 */
	public RpcTimeoutException(URI endpoint, Throwable cause) {
		super("No response from " + endpoint + " in time: " + cause, endpoint, cause);
	}

}
