package dev.resilientrpc.sample.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Every operation of a chaos run, as the clients saw it: when it was invoked, when its
 * outcome arrived, and what the outcome was. The checker judges the store by this history
 * alone, the way Jepsen's checkers do: no peeking at server internals.
 */
public final class History {

	/**
	 * What a client did.
	 */
	public enum Kind {

		/** {@code kv.put(key, value)}, whose result is the previous value. */
		PUT,

		/** {@code kv.append(key, token)}, whose result is the new value. */
		APPEND,

		/** {@code kv.get(key)}. */
		GET

	}

	/**
	 * How an operation ended, as far as the client can tell.
	 */
	public enum Outcome {

		/** Acknowledged: it took effect (writes) or returned a value (reads). */
		OK,

		/**
		 * Certainly not executed: every attempt was refused with an error that promises
		 * so ({@code -32001}, {@code -32002}, {@code -32003}, {@code -32008}, a refused
		 * connection).
		 */
		FAILED,

		/** May or may not have taken effect: a timeout, a reset, {@code -32007}. */
		UNKNOWN

	}

	/**
	 * One operation.
	 *
	 * @param id its number in the history
	 * @param client the client (thread) that made it
	 * @param kind what it was
	 * @param key the key
	 * @param token for writes, the unique value written or appended
	 * @param invoked when it was invoked ({@link System#nanoTime()})
	 * @param completed when its outcome arrived
	 * @param outcome the outcome
	 * @param result the value returned, for an acknowledged operation
	 * @param detail how the last attempt ended, for failures
	 * @param attempts how many attempts it took
	 */
	public record Op(long id, String client, Kind kind, String key, @Nullable String token, long invoked,
			long completed, Outcome outcome, @Nullable String result, @Nullable String detail, int attempts) {

		public boolean isWrite() {
			return this.kind != Kind.GET;
		}

		@Override
		public String toString() {
			return "#" + this.id + " " + this.client + " " + this.kind + " " + this.key
					+ ((this.token != null) ? " " + this.token : "") + " -> " + this.outcome
					+ ((this.outcome == Outcome.OK) ? " " + HistoryChecker.show(HistoryChecker.tokens(this.result))
							: "")
					+ ((this.detail != null) ? " (" + this.detail + ")" : "") + " [" + this.attempts + " attempts, "
					+ (this.completed - this.invoked) / 1_000_000 + " ms]";
		}

	}

	private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

	private final AtomicLong ids = new AtomicLong();

	private final long origin = System.nanoTime();

	public void add(String client, Kind kind, String key, @Nullable String token, long invoked, long completed,
			Outcome outcome, @Nullable String result, @Nullable String detail, int attempts) {
		this.ops.add(new Op(this.ids.incrementAndGet(), client, kind, key, token, invoked, completed, outcome, result,
				detail, attempts));
	}

	/**
	 * Return the operations in the order they were invoked.
	 * @return the operations
	 */
	public List<Op> ops() {
		List<Op> sorted = new ArrayList<>(this.ops);
		sorted.sort(Comparator.comparingLong(Op::invoked).thenComparingLong(Op::id));
		return sorted;
	}

	public long count(Outcome outcome, boolean writes) {
		return this.ops.stream().filter((op) -> op.outcome() == outcome && op.isWrite() == writes).count();
	}

	/**
	 * Whether a write of a key was acknowledged.
	 * @param key the key
	 * @return whether one was
	 */
	public boolean hasAcknowledgedWrite(String key) {
		return this.ops.stream().anyMatch((op) -> op.isWrite() && op.outcome() == Outcome.OK && op.key().equals(key));
	}

	public int size() {
		return this.ops.size();
	}

	/**
	 * Return a time of the run as seconds since it began, for reports.
	 * @param nanos a {@link System#nanoTime()} value
	 * @return the seconds
	 */
	public double seconds(long nanos) {
		return (nanos - this.origin) / 1e9;
	}

}
