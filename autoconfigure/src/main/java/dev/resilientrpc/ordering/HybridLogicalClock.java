package dev.resilientrpc.ordering;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): timestamps
 * that stay close to physical time yet never go backwards and order every event after the
 * events it has seen. A timestamp is a 64-bit integer with milliseconds since the Unix
 * epoch in the upper 48 bits and a logical counter in the lower 16 bits, so that
 * comparing two timestamps as numbers compares them as hybrid timestamps.
 *
 * <p>
 * With that packing both rules of the paper become one maximum: a local or send event
 * takes {@code max(last + 1, physical << 16)}, a receive event takes
 * {@code max(max(last, received) + 1, physical << 16)}. The clock is one
 * {@link AtomicLong} updated by compare-and-set, so ticking takes no lock. Should more
 * than 65,536 events happen in one millisecond, the counter carries into the millisecond
 * field and the clock runs ahead of physical time by as much, which is what the paper's
 * bounded counter allows.
 *
 * <p>
 * Timestamps received from other nodes are refused when they lie more than
 * {@code maxSkew} ahead of this node's physical clock: accepting one would drag this
 * clock, and every clock it talks to, into the future.
 */
public final class HybridLogicalClock {

	/** Number of bits of the logical counter. */
	public static final int LOGICAL_BITS = 16;

	/**
	 * The maximum skew a clock allows unless told otherwise: a timestamp more than this
	 * ahead of the physical clock is refused.
	 */
	public static final Duration DEFAULT_MAX_SKEW = Duration.ofMillis(500);

	private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

	private static final long MAX_PHYSICAL = Long.MAX_VALUE >>> LOGICAL_BITS;

	private static final int MAX_DIGITS = 19;

	private final Clock clock;

	private final long maxSkewMillis;

	private final AtomicLong last = new AtomicLong();

	/**
	 * Create a clock.
	 * @param clock the physical clock, read through {@link Clock#millis()}
	 * @param maxSkew how far ahead of the physical clock a received timestamp may be
	 */
	public HybridLogicalClock(Clock clock, Duration maxSkew) {
		if (maxSkew.isNegative()) {
			throw new IllegalArgumentException("maxSkew: " + maxSkew + " (expected: >= 0)");
		}
		this.clock = clock;
		this.maxSkewMillis = maxSkew.toMillis();
	}

	/**
	 * Tick for a local or send event: return a timestamp above every timestamp this clock
	 * has returned or received so far.
	 * @return the new timestamp
	 */
	public long now() {
		long physical = physicalNow() << LOGICAL_BITS;
		long prev;
		long next;
		do {
			prev = this.last.get();
			next = Math.max(prev + 1, physical);
		}
		while (!this.last.compareAndSet(prev, next));
		return next;
	}

	/**
	 * Tick for a receive event: advance the clock past a timestamp received from another
	 * node, so that every later event here is ordered after it.
	 * @param received the received timestamp
	 * @return the new timestamp, above both {@code received} and every earlier timestamp
	 * @throws ClockSkewException if {@code received} is more than the maximum skew ahead
	 * of the physical clock; the clock is then left as it was
	 */
	public long receive(long received) {
		long physicalMillis = physicalNow();
		if (physicalMillis(received) - physicalMillis > this.maxSkewMillis) {
			throw new ClockSkewException(received, physicalMillis, this.maxSkewMillis);
		}
		long physical = physicalMillis << LOGICAL_BITS;
		long prev;
		long next;
		do {
			prev = this.last.get();
			next = Math.max(Math.max(prev, received) + 1, physical);
		}
		while (!this.last.compareAndSet(prev, next));
		return next;
	}

	/**
	 * Return the last timestamp this clock returned, without ticking.
	 * @return the last timestamp, 0 before the first tick
	 */
	public long last() {
		return this.last.get();
	}

	/**
	 * Return the physical clock's time in milliseconds since the epoch.
	 * @return the physical time
	 */
	public long physicalNow() {
		long millis = this.clock.millis();
		if (millis < 0 || millis > MAX_PHYSICAL) {
			throw new IllegalStateException(
					"Physical clock reads " + millis + " ms (expected: 0 to " + MAX_PHYSICAL + ")");
		}
		return millis;
	}

	/**
	 * Return the largest difference allowed between a received timestamp and the physical
	 * clock.
	 * @return the maximum skew in milliseconds
	 */
	public long getMaxSkewMillis() {
		return this.maxSkewMillis;
	}

	/**
	 * Return the physical part of a timestamp.
	 * @param timestamp the timestamp
	 * @return milliseconds since the epoch
	 */
	public static long physicalMillis(long timestamp) {
		return timestamp >>> LOGICAL_BITS;
	}

	/**
	 * Return the logical part of a timestamp.
	 * @param timestamp the timestamp
	 * @return the logical counter
	 */
	public static int logical(long timestamp) {
		return (int) (timestamp & LOGICAL_MASK);
	}

	/**
	 * Make a timestamp from its parts.
	 * @param physicalMillis milliseconds since the epoch, 0 to 2<sup>47</sup> - 1
	 * @param logical the logical counter, 0 to 65535
	 * @return the timestamp
	 */
	public static long timestamp(long physicalMillis, int logical) {
		if (physicalMillis < 0 || physicalMillis > MAX_PHYSICAL) {
			throw new IllegalArgumentException(
					"physicalMillis: " + physicalMillis + " (expected: 0 to " + MAX_PHYSICAL + ")");
		}
		if (logical < 0 || logical > LOGICAL_MASK) {
			throw new IllegalArgumentException("logical: " + logical + " (expected: 0 to " + LOGICAL_MASK + ")");
		}
		return (physicalMillis << LOGICAL_BITS) | logical;
	}

	/**
	 * Parse a timestamp as sent in the {@code Rpc-Timestamp} header: a non-negative
	 * decimal integer of at most 19 digits, without sign or spaces.
	 * @param text the header value
	 * @return the timestamp
	 * @throws IllegalArgumentException if the text is not such an integer, with a message
	 * that says what is wrong with it
	 */
	public static long parse(String text) {
		int length = text.length();
		if (length == 0) {
			throw new IllegalArgumentException("is empty");
		}
		if (length > MAX_DIGITS) {
			throw new IllegalArgumentException(
					"has " + length + " characters (expected: at most " + MAX_DIGITS + " digits)");
		}
		long value = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				throw new IllegalArgumentException("is not a non-negative decimal integer");
			}
			int digit = c - '0';
			if (value > (Long.MAX_VALUE - digit) / 10) {
				throw new IllegalArgumentException("exceeds the largest 64-bit integer");
			}
			value = value * 10 + digit;
		}
		return value;
	}

	@Override
	public String toString() {
		long current = last();
		return "HybridLogicalClock[" + physicalMillis(current) + "." + logical(current) + ", maxSkew="
				+ this.maxSkewMillis + "ms]";
	}

}
