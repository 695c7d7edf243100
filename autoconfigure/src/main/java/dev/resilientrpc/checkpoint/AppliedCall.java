package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.Nullable;

/**
 * A mutating call whose effect the state holds, remembered by its idempotency key so that
 * it is applied once however often it is logged or retried.
 *
 * @param key the idempotency key
 * @param timestamp the call's timestamp
 * @param fingerprint the digest of its method and params
 * @param orderingKey its ordering key, or {@code null}
 * @param outcome its outcome,
 * {@linkplain dev.resilientrpc.ordering.StoredOutcome#encode() encoded}
 */
record AppliedCall(String key, long timestamp, String fingerprint, @Nullable String orderingKey, String outcome) {

}
