package dev.resilientrpc.retry;

/**
 * Waits between attempts. Tests replace it to record the waits instead of spending them.
 */
@FunctionalInterface
public interface Sleeper {

	/**
	 * Sleeps with {@link Thread#sleep(long)}.
	 */
	Sleeper THREAD = (millis) -> {
		if (millis > 0) {
			Thread.sleep(millis);
		}
	};

	/**
	 * Wait.
	 * @param millis how long, in milliseconds
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	void sleep(long millis) throws InterruptedException;

}
