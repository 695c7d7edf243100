package dev.resilientrpc.retry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A point in time by which a call must be over, read from a {@link Ticker}. Immutable.
 */
public final class Deadline {

	/**
	 * Name of the {@link dev.resilientrpc.client.ClientCall} attribute that holds the
	 * deadline of a call, set by the {@link DeadlineInterceptor}.
	 */
	public static final String ATTRIBUTE = Deadline.class.getName();

	private final Ticker ticker;

	private final long expiresAt;

	private Deadline(Ticker ticker, long expiresAt) {
		this.ticker = ticker;
		this.expiresAt = expiresAt;
	}

	/**
	 * Return the deadline that is the given time from now.
	 * @param timeout the time left
	 * @param ticker the ticker that times it
	 * @return the deadline
	 */
	public static Deadline after(Duration timeout, Ticker ticker) {
		return after(saturatedNanos(timeout), ticker);
	}

	/**
	 * Return the deadline that is the given number of nanoseconds from now.
	 * @param nanos the time left
	 * @param ticker the ticker that times it
	 * @return the deadline
	 */
	public static Deadline after(long nanos, Ticker ticker) {
		long now = ticker.nanoTime();
		long expiresAt = now + nanos;
		// the ticker may be near Long.MAX_VALUE, and the timeout may be huge
		if (nanos > 0 && expiresAt < now) {
			expiresAt = Long.MAX_VALUE;
		}
		return new Deadline(ticker, expiresAt);
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return duration.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
		}
	}

	/**
	 * Return how much time is left.
	 * @return nanoseconds left, negative once expired
	 */
	public long remainingNanos() {
		return this.expiresAt - this.ticker.nanoTime();
	}

	/**
	 * Return how many whole milliseconds are left.
	 * @return milliseconds left, 0 or less once fewer than one is left
	 */
	public long remainingMillis() {
		return TimeUnit.NANOSECONDS.toMillis(remainingNanos());
	}

	/**
	 * Whether less than one millisecond is left: too little to send an attempt.
	 * @return whether the deadline has passed
	 */
	public boolean isExpired() {
		return remainingMillis() <= 0;
	}

	/**
	 * Return the earlier of this deadline and another one timed by the same ticker.
	 * @param other the other deadline
	 * @return the earlier deadline
	 */
	public Deadline earliest(Deadline other) {
		return (other.expiresAt - this.expiresAt < 0) ? other : this;
	}

	@Override
	public String toString() {
		return "Deadline[" + remainingMillis() + "ms left]";
	}

}
