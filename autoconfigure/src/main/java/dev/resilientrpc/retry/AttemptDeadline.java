package dev.resilientrpc.retry;

/**
 * The time the attempt running on the current thread must end by, for a transport that
 * can apply a timeout per request (see {@link HttpComponentsAttemptTimeouts}). Bound by
 * the {@link RetryInterceptor} around each attempt that has an attempt timeout or a
 * deadline. Read from {@link System#nanoTime()}, since it bounds real I/O.
 */
public final class AttemptDeadline {

	private static final long NONE = Long.MIN_VALUE;

	private static final ThreadLocal<long[]> current = ThreadLocal.withInitial(() -> new long[] { NONE });

	private AttemptDeadline() {
	}

	/**
	 * Return the time left for the current attempt.
	 * @return nanoseconds left, or -1 if the attempt has no deadline
	 */
	public static long remainingNanos() {
		long deadline = current.get()[0];
		if (deadline == NONE) {
			return -1;
		}
		return Math.max(0, deadline - System.nanoTime());
	}

	/**
	 * Bind the deadline of an attempt to the current thread.
	 * @param nanos the time the attempt may take
	 * @return the value to pass to {@link #restore(long)} when the attempt is over
	 */
	static long bind(long nanos) {
		long[] holder = current.get();
		long previous = holder[0];
		holder[0] = System.nanoTime() + nanos;
		return previous;
	}

	/**
	 * Restore what {@link #bind(long)} returned.
	 * @param previous the previous value
	 */
	static void restore(long previous) {
		current.get()[0] = previous;
	}

}
