package dev.resilientrpc.slot;

/**
 * A slot's owner record as read from Redis, with Redis's clock at the time of the read.
 *
 * @param node the holder's node id, or {@code ""} if the slot has none
 * @param uri the URI calls of the slot are forwarded to
 * @param incarnation the holder's incarnation
 * @param epoch the epoch it holds the slot with
 * @param expiresAt when its lease expires, in Redis milliseconds
 * @param releasedTo the node the holder released the slot to, or {@code ""}
 * @param handoffTo the node the holder is handing the slot to, or {@code ""}
 * @param readyBy the node that is ready to take the slot, or {@code ""}
 * @param now Redis's clock when the record was read
 */
public record SlotOwner(String node, String uri, String incarnation, long epoch, long expiresAt, String releasedTo,
		String handoffTo, String readyBy, long now) {

	/**
	 * Whether a node holds a lease on the slot that has not expired and was not given up.
	 * @return whether the slot has a live holder
	 */
	public boolean isHeld() {
		return !this.node.isEmpty() && this.expiresAt > this.now && this.releasedTo.isEmpty();
	}

	/**
	 * Whether the slot has no record at all: it was never taken, or Redis lost it.
	 * @return whether the record is missing
	 */
	public boolean isMissing() {
		return this.node.isEmpty();
	}

}
