package dev.resilientrpc.retry;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.RpcException;

/**
 * A call's total deadline passed on the client: before an attempt could be sent, during
 * an attempt, or because the next wait would have ended after it. Never retried. The
 * failure of the last attempt, if there was one, is the cause.
 */
public class DeadlineExceededException extends RpcException {

	private final int attempts;

	/**
	 * Create a new instance.
	 * @param method the JSON-RPC method called
	 * @param timeout the call's total deadline, if known
	 * @param attempts the attempts made
	 * @param cause the failure of the last attempt or {@code null}
	 */
	public DeadlineExceededException(String method, @Nullable Duration timeout, int attempts,
			@Nullable Throwable cause) {
		super("Deadline of " + method + ((timeout != null) ? " (" + timeout.toMillis() + "ms)" : "")
				+ " exceeded after " + attempts + ((attempts == 1) ? " attempt" : " attempts")
				+ ((cause != null) ? " (last failure: " + cause.getMessage() + ")" : ""), cause, false);
		this.attempts = attempts;
	}

	/**
	 * Return the number of attempts made.
	 * @return the attempts
	 */
	public int getAttempts() {
		return this.attempts;
	}

}
