package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.Nullable;

/**
 * A logged call to a {@link dev.resilientrpc.annotation.Mutating @Mutating} method: what
 * runs it again, and what rebuilds the partition's ordering and idempotency state when it
 * is replayed.
 *
 * @param id the entry's id in the log ({@code <millis>-<sequence>}), or {@code null}
 * before it is appended
 * @param idempotencyKey the call's idempotency key
 * @param timestamp the call's hybrid-logical-clock timestamp
 * @param method the JSON-RPC method name
 * @param params the bound params as a JSON array
 * @param orderingKey the call's ordering key, or {@code null} if it has none
 * @param fingerprint the digest of method and params that tells a retry from a reuse of
 * its idempotency key, or {@code null} if unknown
 */
public record CommandLogEntry(@Nullable String id, String idempotencyKey, long timestamp, String method, String params,
		@Nullable String orderingKey, @Nullable String fingerprint) {

	/**
	 * Create an entry for a call without ordering key or fingerprint.
	 * @param id the id, or {@code null} before it is appended
	 * @param idempotencyKey the idempotency key
	 * @param timestamp the timestamp
	 * @param method the JSON-RPC method name
	 * @param params the params as a JSON array
	 */
	public CommandLogEntry(@Nullable String id, String idempotencyKey, long timestamp, String method, String params) {
		this(id, idempotencyKey, timestamp, method, params, null, null);
	}

	/**
	 * Return a copy with the given id.
	 * @param id the id
	 * @return the entry with that id
	 */
	public CommandLogEntry withId(String id) {
		return new CommandLogEntry(id, this.idempotencyKey, this.timestamp, this.method, this.params, this.orderingKey,
				this.fingerprint);
	}

}
