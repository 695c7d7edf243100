package dev.resilientrpc.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The idempotency keys of the most recent mutating calls of one checkpoint, with their
 * results: what the state already holds. A call is in flight from {@link #begin} until
 * {@link #complete} or {@link #abort}. The oldest calls are forgotten beyond the
 * capacity.
 */
final class AppliedCalls {

	private static final Entry IN_FLIGHT = new Entry(0, null);

	private final int capacity;

	private final LinkedHashMap<String, Entry> calls;

	AppliedCalls(int capacity) {
		this.capacity = capacity;
		this.calls = new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
				return size() > AppliedCalls.this.capacity;
			}

		};
	}

	/**
	 * Start a call unless it is applied or in flight.
	 * @param key the idempotency key
	 * @return {@code null} if the call is new and now in flight, {@link #IN_FLIGHT} if it
	 * is in flight, or else the applied call
	 */
	synchronized @Nullable Entry begin(String key) {
		Entry existing = this.calls.get(key);
		if (existing != null) {
			return existing;
		}
		this.calls.put(key, IN_FLIGHT);
		return null;
	}

	static boolean isInFlight(Entry entry) {
		return entry == IN_FLIGHT;
	}

	synchronized void complete(String key, long timestamp, byte @Nullable [] result) {
		this.calls.put(key, new Entry(timestamp, result));
	}

	synchronized void abort(String key) {
		if (this.calls.get(key) == IN_FLIGHT) {
			this.calls.remove(key);
		}
	}

	synchronized boolean contains(String key) {
		Entry entry = this.calls.get(key);
		return entry != null && entry != IN_FLIGHT;
	}

	synchronized List<AppliedCall> copy() {
		List<AppliedCall> copy = new ArrayList<>(this.calls.size());
		this.calls.forEach((key, entry) -> {
			if (entry != IN_FLIGHT) {
				copy.add(new AppliedCall(key, entry.timestamp(), entry.result()));
			}
		});
		return copy;
	}

	synchronized void replaceWith(List<AppliedCall> applied) {
		this.calls.clear();
		for (AppliedCall call : applied) {
			this.calls.put(call.key(), new Entry(call.timestamp(), call.result()));
		}
	}

	synchronized int size() {
		return this.calls.size();
	}

	/**
	 * An applied call.
	 *
	 * @param timestamp its timestamp
	 * @param result its result as JSON, or {@code null} if unknown
	 */
	record Entry(long timestamp, byte @Nullable [] result) {

	}

}
