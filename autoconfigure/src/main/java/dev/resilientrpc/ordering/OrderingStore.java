package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * Where high-water marks of ordering keys and idempotency records live. Each call costs
 * two operations, each atomic: {@link #begin} before the call executes and {@link #end}
 * after it, both for the same {@link Ticket}. Implementations:
 * {@link RedisOrderingStore}, shared by all instances, and {@link InMemoryOrderingStore}
 * for a single node.
 *
 * <p>
 * The idempotency record of an ordered call is kept beside its ordering key (in Redis: in
 * the same hash slot), so that one atomic operation covers both.
 */
public interface OrderingStore {

	/**
	 * Decide, atomically, whether a call may execute. With a claim, a record of its key
	 * decides first: a record with another fingerprint gives
	 * {@link Admission#keyReused()}, one still in flight {@link Admission#inFlight()},
	 * one completed {@link Admission#replay}. With a slot, a timestamp not above the
	 * key's high-water mark gives {@link Admission#stale} (and, for
	 * {@link StalePolicy#IGNORE}, completes the claim with a {@code null} result); a key
	 * locked by a call running elsewhere gives {@link Admission#busy}. Otherwise the call
	 * is {@link Admission#admitted()}: the high-water mark becomes its timestamp, the key
	 * is locked for the ticket and the claim is marked in flight for it.
	 * @param ticket the attempt's slot and claim
	 * @return the decision
	 * @throws OrderingStoreException if the store cannot answer; the store then undoes,
	 * as soon as it can, whatever the operation may have done
	 */
	Admission begin(Ticket ticket);

	/**
	 * Finish an admitted call, atomically: unlock its ordering key and record its
	 * outcome. If the call never ran (it was refused further down the chain), its key's
	 * high-water mark goes back to what it was before the call was admitted, and its
	 * claim is forgotten, so that a retry may run it. Only what the ticket took is
	 * touched.
	 * @param ticket the ticket given to {@link #begin}
	 * @param executed whether the call ran (or was answered as if it had)
	 * @param outcome the outcome to record; required if the call ran and has a claim
	 * @throws OrderingStoreException if the store cannot answer
	 */
	void end(Ticket ticket, boolean executed, @Nullable StoredOutcome outcome);

	/**
	 * Return how long the store remembers the high-water mark of a key no call has been
	 * admitted to. Calls stamped older than that (less the maximum clock skew) are stale
	 * without asking the store, so that a forgotten high-water mark cannot let one
	 * through.
	 * @return the time to live of high-water marks
	 */
	Duration getWatermarkTtl();

	/**
	 * Return the high-water mark of an ordering key: the timestamp of the last call
	 * admitted to it.
	 * @param orderingKey the ordering key
	 * @return the high-water mark, empty if the store knows none
	 * @throws OrderingStoreException if the store cannot answer
	 */
	OptionalLong findHighWaterMark(String orderingKey);

	/**
	 * Return some ordering keys the store holds a high-water mark for, with their marks,
	 * to show (not to decide on): at most {@code limit} of them, in no particular order.
	 * @param limit the most keys to return
	 * @return high-water marks by ordering key; empty if the store cannot list its keys
	 * or does not answer
	 */
	default Map<String, Long> sampleHighWaterMarks(int limit) {
		return Map.of();
	}

}
