package dev.resilientrpc.ordering;

/**
 * A call's claim on its idempotency key: the key and a fingerprint of what the call does
 * (method and params), so that a key reused for another call is told apart from a retry.
 *
 * @param key the idempotency key ({@code Idempotency-Key})
 * @param fingerprint a digest of the method name and the bound params
 */
public record IdempotencyClaim(String key, String fingerprint) {
}
