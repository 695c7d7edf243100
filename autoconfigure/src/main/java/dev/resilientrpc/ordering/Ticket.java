package dev.resilientrpc.ordering;

import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * What one attempt of a call holds at the {@link OrderingStore} between
 * {@link OrderingStore#begin begin} and {@link OrderingStore#end end}: its place on its
 * ordering key, its idempotency claim, and an id that marks the lock and the in-flight
 * record it takes, so that ending it never releases what another attempt of the same call
 * took.
 *
 * @param slot the call's place on its ordering key, or {@code null} for an unordered call
 * @param claim the call's idempotency claim, or {@code null} for a call without a key
 * @param id an id unique to this attempt, without {@code :}
 */
public record Ticket(@Nullable OrderingSlot slot, @Nullable IdempotencyClaim claim, String id) {

	/**
	 * Create a ticket.
	 * @param slot the slot or {@code null}
	 * @param claim the claim or {@code null}
	 * @param id the attempt's id
	 * @throws IllegalArgumentException if both slot and claim are {@code null}, or the id
	 * is empty or contains {@code :}
	 */
	public Ticket {
		if (slot == null && claim == null) {
			throw new IllegalArgumentException("A ticket needs an ordering slot, an idempotency claim or both");
		}
		if (id.isEmpty() || id.indexOf(':') >= 0) {
			throw new IllegalArgumentException("id: '" + id + "' (expected: not empty, no ':')");
		}
	}

	/**
	 * Create a ticket with a random id.
	 * @param slot the slot or {@code null}
	 * @param claim the claim or {@code null}
	 * @return the ticket
	 */
	public static Ticket of(@Nullable OrderingSlot slot, @Nullable IdempotencyClaim claim) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return new Ticket(slot, claim, Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
	}

}
