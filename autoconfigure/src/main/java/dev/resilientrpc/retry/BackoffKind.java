package dev.resilientrpc.retry;

/**
 * How the wait before each retry is computed. Every kind is capped by the policy's
 * {@code maxDelay}.
 */
public enum BackoffKind {

	/**
	 * The same {@code delay} before every retry.
	 */
	FIXED,

	/**
	 * A delay drawn uniformly between {@code minDelay} and {@code maxDelay} before every
	 * retry.
	 */
	RANDOM,

	/**
	 * {@code initialDelay}, then multiplied by {@code multiplier} before each further
	 * retry; each delay varies by up to {@code jitter} (a fraction) of itself, never
	 * below {@code initialDelay}.
	 */
	EXPONENTIAL

}
