package dev.resilientrpc.retry;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * A {@link BackOff} that waits a uniformly random time between a minimum and a maximum
 * before each retry, up to a number of retries. Spring Framework ships fixed and
 * exponential back-offs only; this is the third kind in the same contract.
 */
public final class RandomBackOff implements BackOff {

	private final long minDelay;

	private final long maxDelay;

	private final long maxRetries;

	private final Supplier<RandomGenerator> random;

	/**
	 * Create a new instance drawing from {@link java.util.concurrent.ThreadLocalRandom}.
	 * @param minDelay the shortest wait in milliseconds
	 * @param maxDelay the longest wait in milliseconds
	 * @param maxRetries how many waits an execution gives before it stops
	 */
	public RandomBackOff(long minDelay, long maxDelay, long maxRetries) {
		this(minDelay, maxDelay, maxRetries, java.util.concurrent.ThreadLocalRandom::current);
	}

	/**
	 * Create a new instance.
	 * @param minDelay the shortest wait in milliseconds
	 * @param maxDelay the longest wait in milliseconds
	 * @param maxRetries how many waits an execution gives before it stops
	 * @param random supplies the generator to draw from, called once per wait
	 */
	public RandomBackOff(long minDelay, long maxDelay, long maxRetries, Supplier<RandomGenerator> random) {
		Assert.isTrue(minDelay >= 0, () -> "minDelay: " + minDelay + " (expected: >= 0)");
		Assert.isTrue(maxDelay >= minDelay,
				() -> "maxDelay: " + maxDelay + " (expected: >= minDelay " + minDelay + ")");
		Assert.isTrue(maxRetries >= 0, () -> "maxRetries: " + maxRetries + " (expected: >= 0)");
		this.minDelay = minDelay;
		this.maxDelay = maxDelay;
		this.maxRetries = maxRetries;
		this.random = random;
	}

	/**
	 * Return the shortest wait.
	 * @return the wait in milliseconds
	 */
	public long getMinDelay() {
		return this.minDelay;
	}

	/**
	 * Return the longest wait.
	 * @return the wait in milliseconds
	 */
	public long getMaxDelay() {
		return this.maxDelay;
	}

	/**
	 * Return how many waits an execution gives.
	 * @return the number of retries
	 */
	public long getMaxRetries() {
		return this.maxRetries;
	}

	@Override
	public BackOffExecution start() {
		return new BackOffExecution() {

			private long retries;

			@Override
			public long nextBackOff() {
				if (this.retries >= RandomBackOff.this.maxRetries) {
					return STOP;
				}
				this.retries++;
				return RandomBackOff.this.random.get()
					.nextLong(RandomBackOff.this.minDelay, RandomBackOff.this.maxDelay + 1);
			}

		};
	}

	@Override
	public String toString() {
		return "RandomBackOff[minDelay=" + this.minDelay + "ms, maxDelay=" + this.maxDelay + "ms, maxRetries="
				+ this.maxRetries + "]";
	}

}
