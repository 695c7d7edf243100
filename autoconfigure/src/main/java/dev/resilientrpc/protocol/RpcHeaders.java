package dev.resilientrpc.protocol;

/**
 * HTTP headers that travel with a JSON-RPC call (see the design contract). The client
 * proxy sets them; any other client may.
 */
public final class RpcHeaders {

	/** One value per logical call, the same on every retry of it. */
	public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	/** Hybrid-logical-clock timestamp of the call, the same on every retry of it. */
	public static final String TIMESTAMP = "Rpc-Timestamp";

	/** Routing key: calls with the same key are executed in timestamp order. */
	public static final String ORDERING_KEY = "Rpc-Ordering-Key";

	/** Milliseconds left of the caller's total deadline. */
	public static final String TIMEOUT = "Rpc-Timeout";

	/** 1 for the first attempt, 2 for the first retry, and so on. */
	public static final String ATTEMPT = "Rpc-Attempt";

	/**
	 * Set by a node that forwards a call to the node that serves its key, to its own node
	 * id; a node never forwards a call that carries it.
	 */
	public static final String FORWARDED_BY = "Rpc-Forwarded-By";

	/**
	 * HMAC-SHA256 signature of the request, its key id and when it was made; see
	 * {@code dev.resilientrpc.security.CallSignatures}.
	 */
	public static final String SIGNATURE = "Rpc-Signature";

	private RpcHeaders() {
	}

}
