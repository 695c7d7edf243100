package dev.resilientrpc.ordering;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * What the store decided before a call executes.
 */
public final class Admission {

	private static final Admission ADMITTED = new Admission(Decision.ADMITTED, 0, null);

	private static final Admission IN_FLIGHT = new Admission(Decision.IN_FLIGHT, 0, null);

	private static final Admission KEY_REUSED = new Admission(Decision.KEY_REUSED, 0, null);

	private final Decision decision;

	private final long highWaterMark;

	private final @Nullable StoredOutcome outcome;

	private Admission(Decision decision, long highWaterMark, @Nullable StoredOutcome outcome) {
		this.decision = decision;
		this.highWaterMark = highWaterMark;
		this.outcome = outcome;
	}

	/**
	 * The call may execute: its key's high-water mark is now its timestamp, the key is
	 * locked for it and its idempotency key is marked in flight.
	 * @return the admission
	 */
	public static Admission admitted() {
		return ADMITTED;
	}

	/**
	 * The call is stale. If its policy is {@link StalePolicy#IGNORE ignore}, its
	 * idempotency key (if any) now holds a {@code null} result.
	 * @param highWaterMark the key's high-water mark
	 * @return the admission
	 */
	public static Admission stale(long highWaterMark) {
		return new Admission(Decision.STALE, highWaterMark, null);
	}

	/**
	 * Another instance is executing a call of the key.
	 * @param runningTimestamp the timestamp of the running call
	 * @return the admission
	 */
	public static Admission busy(long runningTimestamp) {
		return new Admission(Decision.BUSY, runningTimestamp, null);
	}

	/**
	 * The call was executed before; here is its outcome.
	 * @param outcome the stored outcome
	 * @return the admission
	 */
	public static Admission replay(StoredOutcome outcome) {
		return new Admission(Decision.REPLAY, 0, outcome);
	}

	/**
	 * An attempt with the same idempotency key is still executing.
	 * @return the admission
	 */
	public static Admission inFlight() {
		return IN_FLIGHT;
	}

	/**
	 * The idempotency key was first used with another method or other params.
	 * @return the admission
	 */
	public static Admission keyReused() {
		return KEY_REUSED;
	}

	/**
	 * Return the decision.
	 * @return the decision
	 */
	public Decision getDecision() {
		return this.decision;
	}

	/**
	 * Return the key's high-water mark ({@link Decision#STALE}) or the timestamp of the
	 * call running elsewhere ({@link Decision#BUSY}).
	 * @return the timestamp, 0 for other decisions
	 */
	public long getHighWaterMark() {
		return this.highWaterMark;
	}

	/**
	 * Return the stored outcome ({@link Decision#REPLAY}).
	 * @return the outcome, {@code null} for other decisions
	 */
	public @Nullable StoredOutcome getOutcome() {
		return this.outcome;
	}

	@Override
	public String toString() {
		return this.decision + ((this.decision == Decision.STALE || this.decision == Decision.BUSY)
				? " " + this.highWaterMark : (this.outcome != null) ? " " + this.outcome : "");
	}

	/**
	 * The decisions.
	 */
	public enum Decision {

		/** Execute the call. */
		ADMITTED,

		/** The timestamp is not above the key's high-water mark. */
		STALE,

		/** The key is locked by a call running on another instance. */
		BUSY,

		/** The call already executed: replay its outcome. */
		REPLAY,

		/** The call is executing right now. */
		IN_FLIGHT,

		/** The idempotency key belongs to another call. */
		KEY_REUSED

	}

}
