package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.Nullable;

/**
 * A mutating call whose effect the state holds, remembered by its idempotency key so that
 * it is applied once however often it is logged or retried.
 *
 * @param key the idempotency key
 * @param timestamp the call's timestamp
 * @param result the call's result as JSON, or {@code null} if unknown
 */
record AppliedCall(String key, long timestamp, byte @Nullable [] result) {

}
