package dev.resilientrpc.ordering;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * Hears what the ordering and idempotency interceptors decide, for metrics. Methods are
 * called on the request threads and must return quickly; all of them do nothing by
 * default.
 */
public interface OrderingListener {

	/** A listener that ignores everything. */
	OrderingListener NONE = new OrderingListener() {
	};

	/**
	 * A stale call was rejected or ignored.
	 * @param method the JSON-RPC method name
	 * @param policy the policy applied
	 */
	default void onStale(String method, StalePolicy policy) {
	}

	/**
	 * The stored outcome of an earlier attempt was replayed instead of executing the
	 * call.
	 * @param method the JSON-RPC method name
	 */
	default void onReplay(String method) {
	}

	/**
	 * A call arrived while an attempt with the same idempotency key was still executing.
	 * @param method the JSON-RPC method name
	 */
	default void onDuplicateInFlight(String method) {
	}

	/**
	 * An idempotency key arrived with another method or other params than its first use.
	 * @param method the JSON-RPC method name
	 */
	default void onKeyReused(String method) {
	}

	/**
	 * A timestamp too far ahead of the local clock was refused.
	 */
	default void onClockSkew() {
	}

	/**
	 * An ordered call got its turn on its key.
	 * @param method the JSON-RPC method name
	 * @param waitedNanos how long it waited for lower-stamped or running calls of its key
	 */
	default void onTurn(String method, long waitedNanos) {
	}

	/**
	 * A call was shed before execution with error {@code -32002}.
	 * @param method the JSON-RPC method name
	 * @param reason why: {@code store-unavailable}, {@code key-busy} or
	 * {@code wait-timeout}
	 */
	default void onShed(String method, String reason) {
	}

	/**
	 * The store was unreachable but the call went on without ordering or deduplication
	 * because the interceptors fail open.
	 * @param method the JSON-RPC method name
	 */
	default void onFailOpen(String method) {
	}

	/**
	 * The store answered or failed.
	 * @param operation {@code begin} or {@code end}
	 * @param nanos how long the store took
	 * @param success whether it answered
	 */
	default void onStoreCall(String operation, long nanos, boolean success) {
	}

}
