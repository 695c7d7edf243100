package dev.resilientrpc.ordering;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * An ordered call's place on its key: what the store checks against the key's high-water
 * mark.
 *
 * @param key the ordering key ({@code Rpc-Ordering-Key})
 * @param timestamp the call's hybrid-logical-clock timestamp
 * @param stalePolicy what to do if the call turns out stale
 */
public record OrderingSlot(String key, long timestamp, StalePolicy stalePolicy) {
}
