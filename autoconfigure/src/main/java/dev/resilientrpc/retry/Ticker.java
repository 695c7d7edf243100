package dev.resilientrpc.retry;

/**
 * A monotonic source of nanoseconds that times deadlines. Tests replace it with one they
 * advance by hand.
 */
@FunctionalInterface
public interface Ticker {

	/**
	 * Reads {@link System#nanoTime()}.
	 */
	Ticker SYSTEM = System::nanoTime;

	/**
	 * Return the current time.
	 * @return nanoseconds since an arbitrary origin
	 */
	long nanoTime();

}
