package dev.resilientrpc.ordering;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * An ordered call's place on its key: what the store checks against the key's high-water
 * mark.
 *
 * @param key the ordering key ({@code Rpc-Ordering-Key})
 * @param timestamp the call's hybrid-logical-clock timestamp
 * @param stalePolicy what to do if the call turns out stale
 * @param stampedHere whether this node stamped the call because its caller sent no
 * {@code Rpc-Timestamp}: such a call claims no place in the order, so when it turns out
 * stale it is stamped again after the key's high-water mark rather than refused
 */
public record OrderingSlot(String key, long timestamp, StalePolicy stalePolicy, boolean stampedHere) {

	/**
	 * Create the slot of a call its caller stamped.
	 * @param key the ordering key
	 * @param timestamp the caller's timestamp
	 * @param stalePolicy what to do if the call turns out stale
	 */
	public OrderingSlot(String key, long timestamp, StalePolicy stalePolicy) {
		this(key, timestamp, stalePolicy, false);
	}

	/**
	 * Create the slot of a call this node stamps.
	 * @param key the ordering key
	 * @param timestamp this node's timestamp
	 * @return the slot
	 */
	public static OrderingSlot stampedHere(String key, long timestamp) {
		return new OrderingSlot(key, timestamp, StalePolicy.REJECT, true);
	}

	/**
	 * Return this slot with a later timestamp.
	 * @param later the new timestamp
	 * @return the slot
	 */
	public OrderingSlot restamped(long later) {
		return new OrderingSlot(this.key, later, this.stalePolicy, this.stampedHere);
	}

}
