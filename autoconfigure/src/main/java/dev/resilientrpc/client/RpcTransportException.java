package dev.resilientrpc.client;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * An attempt failed below JSON-RPC: the connection broke or the server answered with an
 * HTTP error that carried no JSON-RPC response. The request may have reached the server,
 * so the call is not retryable as it is; the retry layer decides whether it is safe to
 * repeat.
 */
public class RpcTransportException extends RpcException {

	private final URI endpoint;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param endpoint the endpoint of the attempt
	 * @param cause the cause or {@code null}
	 */
	public RpcTransportException(String message, URI endpoint, @Nullable Throwable cause) {
		this(message, endpoint, cause, false);
	}

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param endpoint the endpoint of the attempt
	 * @param cause the cause or {@code null}
	 * @param retryable whether the call may be retried as it is
	 */
	protected RpcTransportException(String message, URI endpoint, @Nullable Throwable cause, boolean retryable) {
		super(message, cause, retryable);
		this.endpoint = endpoint;
	}

	/**
	 * Return the endpoint the failed attempt went to.
	 * @return the endpoint
	 */
	public URI getEndpoint() {
		return this.endpoint;
	}

	/**
	 * Whether the request may have reached the server.
	 * @return whether the request may have been sent
	 */
	public boolean mayHaveBeenSent() {
		return true;
	}

}
