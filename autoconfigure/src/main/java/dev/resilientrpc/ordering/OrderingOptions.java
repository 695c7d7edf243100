package dev.resilientrpc.ordering;

import java.time.Duration;

/**
 * Settings of the idempotency and ordering interceptors. Immutable; {@link #defaults()}
 * gives the defaults and each {@code withXxx} method a copy with one setting changed.
 */
public final class OrderingOptions {

	private static final OrderingOptions DEFAULTS = new OrderingOptions(255, false, Duration.ofSeconds(1),
			Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(1));

	private final int maxKeyLength;

	private final boolean failOpen;

	private final Duration retryAfter;

	private final Duration reorderWindow;

	private final Duration maxWait;

	private final Duration recordAfterDeadline;

	private OrderingOptions(int maxKeyLength, boolean failOpen, Duration retryAfter, Duration reorderWindow,
			Duration maxWait, Duration recordAfterDeadline) {
		if (maxKeyLength < 1) {
			throw new IllegalArgumentException("maxKeyLength: " + maxKeyLength + " (expected: > 0)");
		}
		if (retryAfter.isNegative()) {
			throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
		}
		if (reorderWindow.isNegative()) {
			throw new IllegalArgumentException("reorderWindow: " + reorderWindow + " (expected: >= 0)");
		}
		if (maxWait.compareTo(reorderWindow) <= 0) {
			throw new IllegalArgumentException(
					"maxWait: " + maxWait + " (expected: > reorderWindow, which is " + reorderWindow + ")");
		}
		this.maxKeyLength = maxKeyLength;
		this.failOpen = failOpen;
		this.retryAfter = retryAfter;
		this.reorderWindow = reorderWindow;
		if (recordAfterDeadline.isNegative() || recordAfterDeadline.isZero()) {
			throw new IllegalArgumentException("recordAfterDeadline: " + recordAfterDeadline + " (expected: > 0)");
		}
		this.maxWait = maxWait;
		this.recordAfterDeadline = recordAfterDeadline;
	}

	/**
	 * Return the defaults: keys up to 255 characters, fail closed, retry after 1 s, no
	 * reorder window, wait at most 10 s for a turn.
	 * @return the default options
	 */
	public static OrderingOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Return a copy with another longest key.
	 * @param maxKeyLength the longest {@code Idempotency-Key} or {@code Rpc-Ordering-Key}
	 * accepted, in characters
	 * @return the copy
	 */
	public OrderingOptions withMaxKeyLength(int maxKeyLength) {
		return new OrderingOptions(maxKeyLength, this.failOpen, this.retryAfter, this.reorderWindow, this.maxWait,
				this.recordAfterDeadline);
	}

	/**
	 * Return a copy that fails open or closed.
	 * @param failOpen whether calls go on unordered and undeduplicated while the store is
	 * unavailable, instead of being shed
	 * @return the copy
	 */
	public OrderingOptions withFailOpen(boolean failOpen) {
		return new OrderingOptions(this.maxKeyLength, failOpen, this.retryAfter, this.reorderWindow, this.maxWait,
				this.recordAfterDeadline);
	}

	/**
	 * Return a copy with another retry delay.
	 * @param retryAfter how long a shed caller is told to wait
	 * @return the copy
	 */
	public OrderingOptions withRetryAfter(Duration retryAfter) {
		return new OrderingOptions(this.maxKeyLength, this.failOpen, retryAfter, this.reorderWindow, this.maxWait,
				this.recordAfterDeadline);
	}

	/**
	 * Return a copy with another reorder window.
	 * @param reorderWindow how long a call waits for lower-stamped calls of its key
	 * @return the copy
	 */
	public OrderingOptions withReorderWindow(Duration reorderWindow) {
		return new OrderingOptions(this.maxKeyLength, this.failOpen, this.retryAfter, reorderWindow, this.maxWait,
				this.recordAfterDeadline);
	}

	/**
	 * Return a copy with another longest wait.
	 * @param maxWait the longest a call waits for its turn before it is shed
	 * @return the copy
	 */
	public OrderingOptions withMaxWait(Duration maxWait) {
		return new OrderingOptions(this.maxKeyLength, this.failOpen, this.retryAfter, this.reorderWindow, maxWait,
				this.recordAfterDeadline);
	}

	/**
	 * Return a copy that keeps idempotency records of calls with a deadline for another
	 * time past it.
	 * @param recordAfterDeadline how long past its caller's deadline a call's record is
	 * kept
	 * @return the copy
	 */
	public OrderingOptions withRecordAfterDeadline(Duration recordAfterDeadline) {
		return new OrderingOptions(this.maxKeyLength, this.failOpen, this.retryAfter, this.reorderWindow, this.maxWait,
				recordAfterDeadline);
	}

	/**
	 * Return the longest key accepted.
	 * @return the length in characters
	 */
	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	/**
	 * Whether calls go on while the store is unavailable.
	 * @return whether to fail open
	 */
	public boolean isFailOpen() {
		return this.failOpen;
	}

	/**
	 * Return how long a shed caller is told to wait.
	 * @return the delay
	 */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	/**
	 * Return how long a call waits for lower-stamped calls of its key.
	 * @return the window
	 */
	public Duration getReorderWindow() {
		return this.reorderWindow;
	}

	/**
	 * Return the longest a call waits for its turn.
	 * @return the wait
	 */
	public Duration getMaxWait() {
		return this.maxWait;
	}

	/**
	 * Return how long past its caller's deadline a call's idempotency record is kept.
	 * @return the time
	 */
	public Duration getRecordAfterDeadline() {
		return this.recordAfterDeadline;
	}

}
