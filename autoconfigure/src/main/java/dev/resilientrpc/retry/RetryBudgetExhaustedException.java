package dev.resilientrpc.retry;

import dev.resilientrpc.client.RpcException;

/**
 * A call failed and would have been retried, but the retry budget of its service is
 * spent: the service is failing too often for retries to help, so the call fails fast.
 * The failure of the last attempt is the cause.
 */
public class RetryBudgetExhaustedException extends RpcException {

	private final String service;

	private final int attempts;

	/**
	 * Create a new instance.
	 * @param service the service whose budget is spent
	 * @param method the JSON-RPC method called
	 * @param attempts the attempts made
	 * @param cause the failure of the last attempt
	 */
	public RetryBudgetExhaustedException(String service, String method, int attempts, Throwable cause) {
		super("Retry budget of service '" + service + "' is exhausted: " + method + " failed after " + attempts
				+ ((attempts == 1) ? " attempt" : " attempts") + " and is not retried (" + cause.getMessage() + ")",
				cause, false);
		this.service = service;
		this.attempts = attempts;
	}

	/**
	 * Return the service whose budget is spent.
	 * @return the service name
	 */
	public String getService() {
		return this.service;
	}

	/**
	 * Return the number of attempts made.
	 * @return the attempts
	 */
	public int getAttempts() {
		return this.attempts;
	}

}
