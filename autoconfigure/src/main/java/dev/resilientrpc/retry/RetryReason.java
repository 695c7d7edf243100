package dev.resilientrpc.retry;

/**
 * Why a failed attempt may be retried. Used as the {@code reason} tag of the retry
 * metric.
 */
public enum RetryReason {

	/**
	 * No connection could be made: the request never reached the server.
	 */
	CONNECT("connect", false, false, false),

	/**
	 * The instance's circuit breaker is open: the request was not sent.
	 */
	CIRCUIT_OPEN("circuit-open", false, false, true),

	/**
	 * No response in time: the server may have run the call.
	 */
	TIMEOUT("timeout", true, true, true),

	/**
	 * The connection broke or an HTTP 5xx came without a JSON-RPC answer: the server may
	 * have run the call.
	 */
	TRANSPORT("transport", true, true, true),

	/**
	 * The server shed the call before running it ({@code -32002}, a promise that it did
	 * not run): retried whether or not the call is safe to repeat.
	 */
	OVERLOADED("overloaded", false, true, true),

	/**
	 * The server is still running an earlier attempt of the call ({@code -32004}).
	 */
	DUPLICATE_IN_FLIGHT("duplicate-in-flight", true, true, true),

	/**
	 * The remote method threw an exception the policy lists as retryable.
	 */
	APPLICATION("application", false, true, true);

	private final String tag;

	private final boolean requiresSafeToRepeat;

	private final boolean chargesBudget;

	private final boolean needsBudget;

	RetryReason(String tag, boolean requiresSafeToRepeat, boolean chargesBudget, boolean needsBudget) {
		this.tag = tag;
		this.requiresSafeToRepeat = requiresSafeToRepeat;
		this.chargesBudget = chargesBudget;
		this.needsBudget = needsBudget;
	}

	/**
	 * Return the metric tag value.
	 * @return the tag
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Whether a retry for this reason needs a call that is safe to repeat (idempotent, or
	 * deduplicated by the server).
	 * @return whether the call must be safe to repeat
	 */
	public boolean requiresSafeToRepeat() {
		return this.requiresSafeToRepeat;
	}

	/**
	 * Whether a failure for this reason takes a token from the retry budget. A refused
	 * connection and an open breaker do not: the attempt never reached a server.
	 * @return whether the failure charges the budget
	 */
	public boolean chargesBudget() {
		return this.chargesBudget;
	}

	/**
	 * Whether a retry for this reason needs the budget. Every one does but a refused
	 * connection: that instance is down and the call never ran, so trying another
	 * instance is failover, which a budget spent by the failures of a dying node must not
	 * stop. A retry after an open breaker does need it, so that callers of a failing
	 * service fail fast.
	 * @return whether the retry needs the budget
	 */
	public boolean needsBudget() {
		return this.needsBudget;
	}

}
