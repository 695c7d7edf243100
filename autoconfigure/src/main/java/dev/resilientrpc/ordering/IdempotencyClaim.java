package dev.resilientrpc.ordering;

/**
 * A call's claim on its idempotency key: the key and a fingerprint of what the call does
 * (method and params), so that a key reused for another call is told apart from a retry;
 * and how long its record must be kept.
 *
 * @param key the idempotency key ({@code Idempotency-Key})
 * @param fingerprint a digest of the method name and the bound params
 * @param ttlMillis how long the record must be kept, from the call's admission and again
 * from its completion, when the caller's deadline bounds it (no retry of the call can
 * arrive later); {@code 0} when the store's own record TTL applies
 */
public record IdempotencyClaim(String key, String fingerprint, long ttlMillis) {

	public IdempotencyClaim {
		if (ttlMillis < 0) {
			throw new IllegalArgumentException("ttlMillis: " + ttlMillis + " (expected: >= 0)");
		}
	}

	/**
	 * Create a claim whose record lives as long as the store keeps records.
	 * @param key the idempotency key
	 * @param fingerprint a digest of the method name and the bound params
	 */
	public IdempotencyClaim(String key, String fingerprint) {
		this(key, fingerprint, 0);
	}

	/**
	 * Return how long to keep this claim's record: its own TTL when it has one, at most
	 * the store's.
	 * @param storeTtlMillis the store's record TTL
	 * @return the TTL in milliseconds
	 */
	public long ttlMillis(long storeTtlMillis) {
		return (this.ttlMillis > 0) ? Math.min(this.ttlMillis, storeTtlMillis) : storeTtlMillis;
	}

}
