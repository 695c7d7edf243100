package dev.resilientrpc.protocol;

/**
 * JSON-RPC 2.0 error codes: the specification's and resilient-rpc's own, with whether a
 * client may retry a call that failed with them.
 */
public final class RpcErrorCodes {

	/** Invalid JSON was received. */
	public static final int PARSE_ERROR = -32700;

	/** The JSON sent is not a valid request object. */
	public static final int INVALID_REQUEST = -32600;

	/** The method does not exist or is not exported. */
	public static final int METHOD_NOT_FOUND = -32601;

	/** Invalid method parameters. */
	public static final int INVALID_PARAMS = -32602;

	/** Internal JSON-RPC error. */
	public static final int INTERNAL_ERROR = -32603;

	/** The application method threw an exception. */
	public static final int APPLICATION_ERROR = -32000;

	/** Timestamp below the ordering key's high-water mark. */
	public static final int STALE = -32001;

	/** Shed before execution; retry after {@code Retry-After}. */
	public static final int OVERLOADED = -32002;

	/** Deadline exceeded before execution. */
	public static final int DEADLINE_EXCEEDED = -32003;

	/** Same idempotency key still executing. */
	public static final int DUPLICATE_IN_FLIGHT = -32004;

	/** Idempotency key reused with a different method or params. */
	public static final int IDEMPOTENCY_KEY_REUSED = -32005;

	/** Timestamp too far ahead of the server's clock. */
	public static final int CLOCK_SKEW = -32006;

	/**
	 * Outcome unknown: the call may have been logged or applied (its log append's reply
	 * or {@code WAIT} timed out); a retry with the same {@code Idempotency-Key} finds
	 * out.
	 */
	public static final int OUTCOME_UNKNOWN = -32007;

	/**
	 * Moved: this node does not serve the call's key and does not forward it;
	 * {@code data.owner} is the URI to call.
	 */
	public static final int MOVED = -32008;

	private RpcErrorCodes() {
	}

	/**
	 * Whether a call that failed with the given code may be retried by the client:
	 * "overloaded" (it did not run), "duplicate in flight" and "outcome unknown" (a retry
	 * with the same {@code Idempotency-Key} is answered with the first attempt's outcome)
	 * and "moved" (at the owner it names). Every other code either says the call did run
	 * or says that running it again cannot succeed.
	 * @param code the JSON-RPC error code
	 * @return whether the code is retryable
	 */
	public static boolean isRetryable(int code) {
		return code == OVERLOADED || code == DUPLICATE_IN_FLIGHT || code == OUTCOME_UNKNOWN || code == MOVED;
	}

	/**
	 * Whether an error with the given code promises that the call did not run: a client
	 * may then retry it even without an {@code Idempotency-Key}.
	 * @param code the JSON-RPC error code
	 * @return whether the call certainly was not executed
	 */
	public static boolean isNotExecuted(int code) {
		return code == STALE || code == OVERLOADED || code == DEADLINE_EXCEEDED || code == MOVED || code == CLOCK_SKEW;
	}

}
