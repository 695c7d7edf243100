package dev.resilientrpc.checkpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.ordering.StoredOutcome;

/**
 * What a partition knows of the mutating calls it took, so that they run once and in
 * order: per idempotency key the call's fingerprint, timestamp and outcome (a retry is
 * answered from it), and per ordering key the high-water mark (the timestamp of the last
 * call admitted, below which a call is stale).
 *
 * <p>
 * It is part of the partition's state: the completed records and the marks are written
 * into every checkpoint, and replaying the command log rebuilds them, so a node that
 * takes the partition over knows what its last owner did. Only the partition's owner
 * touches it (one node, holding the current epoch), which is why no store round trip is
 * needed to decide a call.
 *
 * <p>
 * Records beyond the capacity are forgotten oldest first (completed ones only); a retry
 * of a forgotten call is then judged by the marks: its timestamp is at or below its key's
 * mark, so it is refused as stale instead of running again.
 */
final class PartitionRecords {

	private final int capacity;

	private final LinkedHashMap<String, Record> records = new LinkedHashMap<>(64, 0.75f, false);

	private final Map<String, Mark> marks = new HashMap<>();

	PartitionRecords(int capacity) {
		if (capacity < 0) {
			throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 0)");
		}
		this.capacity = capacity;
	}

	/**
	 * What a call is, as far as the records tell.
	 */
	enum Decision {

		/** New: admitted, now in flight, its key's mark raised to its timestamp. */
		ADMITTED,

		/** Ran before: answer with its outcome. */
		REPLAY,

		/** Still running, or its outcome is not known yet. */
		IN_FLIGHT,

		/** The idempotency key was used for another method or other params. */
		REUSED,

		/** Its timestamp is not above its key's mark. */
		STALE

	}

	/**
	 * The records' answer about a call.
	 *
	 * @param decision the decision
	 * @param outcome the outcome to replay, for {@link Decision#REPLAY}
	 * @param highWaterMark the key's mark, for {@link Decision#STALE}
	 */
	record Admission(Decision decision, @Nullable StoredOutcome outcome, long highWaterMark, long timestamp) {

	}

	/**
	 * Decide whether a call may run and, if it may, take it in flight.
	 * @param idempotencyKey the call's idempotency key
	 * @param fingerprint the digest of its method and params
	 * @param orderingKey its ordering key, or {@code null}
	 * @param timestamp its timestamp
	 * @param stampedHere whether this node stamped the call (its caller gave no
	 * timestamp): such a call claims no place in the order and is never stale; it is
	 * stamped after the latest call of its key instead
	 * @return the decision, with the timestamp the call runs and is logged with
	 */
	synchronized Admission admit(String idempotencyKey, String fingerprint, @Nullable String orderingKey,
			long timestamp, boolean stampedHere) {
		Record existing = this.records.get(idempotencyKey);
		if (existing != null) {
			if (!existing.fingerprint.equals(fingerprint)) {
				return new Admission(Decision.REUSED, null, 0, timestamp);
			}
			if (existing.state == State.DONE) {
				return new Admission(Decision.REPLAY, existing.outcome, 0, existing.timestamp);
			}
			return new Admission(Decision.IN_FLIGHT, null, 0, timestamp);
		}
		Mark mark = null;
		if (orderingKey != null) {
			mark = this.marks.get(orderingKey);
			if (mark != null && mark.highWaterMark >= timestamp) {
				if (!stampedHere) {
					return new Admission(Decision.STALE, null, mark.highWaterMark, timestamp);
				}
				timestamp = mark.highWaterMark + 1;
			}
			if (mark == null) {
				mark = new Mark(-1);
				this.marks.put(orderingKey, mark);
			}
			mark.previous = mark.highWaterMark;
			mark.highWaterMark = timestamp;
			mark.admittedBy = idempotencyKey;
		}
		put(idempotencyKey, new Record(fingerprint, timestamp, orderingKey, State.IN_FLIGHT, null));
		return new Admission(Decision.ADMITTED, null, 0, timestamp);
	}

	/**
	 * Record that an admitted call ran (or was answered without running, as a stale call
	 * whose policy is to ignore it).
	 * @param idempotencyKey the call's idempotency key
	 * @param outcome its outcome
	 */
	synchronized void complete(String idempotencyKey, StoredOutcome outcome) {
		Record record = this.records.get(idempotencyKey);
		if (record != null) {
			record.state = State.DONE;
			record.outcome = outcome;
		}
	}

	/**
	 * Record a call refused as stale under a policy that acknowledges it without running
	 * it, so that its retries get the same answer.
	 * @param idempotencyKey the call's idempotency key
	 * @param fingerprint its fingerprint
	 * @param timestamp its timestamp
	 */
	synchronized void ignored(String idempotencyKey, String fingerprint, long timestamp) {
		put(idempotencyKey, new Record(fingerprint, timestamp, null, State.DONE, StoredOutcome.NULL_RESULT));
	}

	/**
	 * Forget an admitted call that certainly did not run: its key's mark goes back to
	 * what it was, unless a later call was admitted since.
	 * @param idempotencyKey the call's idempotency key
	 */
	synchronized void abort(String idempotencyKey) {
		Record record = this.records.get(idempotencyKey);
		if (record == null || record.state == State.DONE) {
			return;
		}
		this.records.remove(idempotencyKey);
		if (record.orderingKey != null) {
			Mark mark = this.marks.get(record.orderingKey);
			if (mark != null && idempotencyKey.equals(mark.admittedBy)) {
				mark.highWaterMark = mark.previous;
				mark.admittedBy = null;
				if (mark.highWaterMark < 0) {
					this.marks.remove(record.orderingKey);
				}
			}
		}
	}

	/**
	 * Mark an admitted call whose log append may or may not have reached the log: it
	 * stays in flight (a retry is told so) until a resync of the partition finds it in
	 * the log, or finds it is not there and {@linkplain #abort aborts} it.
	 * @param idempotencyKey the call's idempotency key
	 */
	synchronized void unknown(String idempotencyKey) {
		Record record = this.records.get(idempotencyKey);
		if (record != null && record.state == State.IN_FLIGHT) {
			record.state = State.UNKNOWN;
		}
	}

	/**
	 * Return the idempotency keys of calls whose outcome is unknown.
	 * @return the keys
	 */
	synchronized List<String> unknownCalls() {
		List<String> keys = new ArrayList<>();
		this.records.forEach((key, record) -> {
			if (record.state == State.UNKNOWN) {
				keys.add(key);
			}
		});
		return keys;
	}

	/**
	 * Whether a call's log append had an unknown outcome that no resync has settled yet.
	 * @param idempotencyKey the call's idempotency key
	 * @return whether its outcome is unknown
	 */
	synchronized boolean isUnknown(String idempotencyKey) {
		Record record = this.records.get(idempotencyKey);
		return record != null && record.state == State.UNKNOWN;
	}

	/**
	 * Whether a call with this idempotency key took effect.
	 * @param idempotencyKey the key
	 * @return whether it is recorded as done
	 */
	synchronized boolean isDone(String idempotencyKey) {
		Record record = this.records.get(idempotencyKey);
		return record != null && record.state == State.DONE;
	}

	/**
	 * Return the outcome of a call that took effect.
	 * @param idempotencyKey the key
	 * @return the outcome, or {@code null} if the call is not done
	 */
	synchronized @Nullable StoredOutcome outcome(String idempotencyKey) {
		Record record = this.records.get(idempotencyKey);
		return (record != null && record.state == State.DONE) ? record.outcome : null;
	}

	/**
	 * Take a logged call that is replayed (or found in the log by a resync): it is done
	 * with the given outcome, and its key's mark is at least its timestamp.
	 * @param entry the logged call
	 * @param outcome the outcome of running it again
	 */
	synchronized void replayed(CommandLogEntry entry, StoredOutcome outcome) {
		Record existing = this.records.get(entry.idempotencyKey());
		String fingerprint = (entry.fingerprint() != null) ? entry.fingerprint()
				: (existing != null) ? existing.fingerprint : "";
		Record record = new Record(fingerprint, entry.timestamp(), entry.orderingKey(), State.DONE, outcome);
		if (existing != null) {
			this.records.remove(entry.idempotencyKey());
		}
		put(entry.idempotencyKey(), record);
		if (entry.orderingKey() != null) {
			Mark mark = this.marks.computeIfAbsent(entry.orderingKey(), (key) -> new Mark(-1));
			if (entry.timestamp() > mark.highWaterMark) {
				mark.highWaterMark = entry.timestamp();
			}
			mark.admittedBy = null;
		}
	}

	/**
	 * Return the high-water mark of an ordering key.
	 * @param orderingKey the key
	 * @return the mark, or {@code -1} if none is known
	 */
	synchronized long highWaterMark(String orderingKey) {
		Mark mark = this.marks.get(orderingKey);
		return (mark != null) ? mark.highWaterMark : -1;
	}

	/**
	 * Forget the marks of keys whose last call is older than the horizon: calls older
	 * than the horizon are refused as stale without looking at a mark, so such a mark
	 * decides nothing any more.
	 * @param horizon the oldest timestamp still judged by its mark
	 * @return how many marks were forgotten
	 */
	synchronized int forgetMarksBefore(long horizon) {
		int forgotten = 0;
		for (Iterator<Mark> iterator = this.marks.values().iterator(); iterator.hasNext();) {
			Mark mark = iterator.next();
			if (mark.admittedBy == null && mark.highWaterMark < horizon) {
				iterator.remove();
				forgotten++;
			}
		}
		return forgotten;
	}

	/**
	 * Return a copy of what a checkpoint keeps: the completed calls and the marks.
	 * @return the copy
	 */
	synchronized Contents copy() {
		List<AppliedCall> calls = new ArrayList<>(this.records.size());
		this.records.forEach((key, record) -> {
			if (record.state == State.DONE && record.outcome != null) {
				calls.add(new AppliedCall(key, record.timestamp, record.fingerprint, record.orderingKey,
						record.outcome.encode()));
			}
		});
		Map<String, Long> marks = new LinkedHashMap<>();
		this.marks.forEach((key, mark) -> {
			if (mark.highWaterMark >= 0) {
				marks.put(key, (mark.admittedBy != null) ? mark.previous : mark.highWaterMark);
			}
		});
		return new Contents(calls, marks);
	}

	/**
	 * Replace everything with what a checkpoint held.
	 * @param contents the checkpoint's records and marks
	 */
	synchronized void restore(Contents contents) {
		this.records.clear();
		this.marks.clear();
		for (AppliedCall call : contents.calls()) {
			put(call.key(), new Record(call.fingerprint(), call.timestamp(), call.orderingKey(), State.DONE,
					StoredOutcome.decode(call.outcome())));
		}
		contents.marks().forEach((key, mark) -> this.marks.put(key, new Mark(mark)));
	}

	synchronized int size() {
		return this.records.size();
	}

	synchronized int marks() {
		return this.marks.size();
	}

	private void put(String key, Record record) {
		this.records.put(key, record);
		if (this.records.size() <= this.capacity) {
			return;
		}
		// forget the oldest completed calls; calls in flight or unknown stay
		Iterator<Map.Entry<String, Record>> iterator = this.records.entrySet().iterator();
		while (this.records.size() > this.capacity && iterator.hasNext()) {
			Map.Entry<String, Record> oldest = iterator.next();
			if (oldest.getValue().state == State.DONE && oldest.getValue() != record) {
				iterator.remove();
			}
		}
	}

	/**
	 * What a checkpoint keeps of the records.
	 *
	 * @param calls the completed calls, oldest first
	 * @param marks the high-water marks by ordering key
	 */
	record Contents(List<AppliedCall> calls, Map<String, Long> marks) {

		static final Contents EMPTY = new Contents(List.of(), Map.of());

	}

	private enum State {

		IN_FLIGHT, UNKNOWN, DONE

	}

	private static final class Record {

		final String fingerprint;

		final long timestamp;

		final @Nullable String orderingKey;

		State state;

		@Nullable StoredOutcome outcome;

		Record(String fingerprint, long timestamp, @Nullable String orderingKey, State state,
				@Nullable StoredOutcome outcome) {
			this.fingerprint = fingerprint;
			this.timestamp = timestamp;
			this.orderingKey = orderingKey;
			this.state = state;
			this.outcome = outcome;
		}

	}

	private static final class Mark {

		long highWaterMark;

		long previous = -1;

		@Nullable String admittedBy;

		Mark(long highWaterMark) {
			this.highWaterMark = highWaterMark;
		}

	}

}
