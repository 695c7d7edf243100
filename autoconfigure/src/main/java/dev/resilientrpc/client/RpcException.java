package dev.resilientrpc.client;

import org.jspecify.annotations.Nullable;

/**
 * Base class of the exceptions a client proxy throws when a call fails. Each says whether
 * the call may be retried as it is.
 */
public class RpcException extends RuntimeException {

	private final boolean retryable;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause or {@code null}
	 * @param retryable whether the call may be retried
	 */
	public RpcException(String message, @Nullable Throwable cause, boolean retryable) {
		super(message, cause);
		this.retryable = retryable;
	}

	/**
	 * Whether the failed call may be retried as it is: true only when a retry cannot make
	 * the call run twice or the server said a retry is welcome.
	 * @return whether the call may be retried
	 */
	public boolean isRetryable() {
		return this.retryable;
	}

}
