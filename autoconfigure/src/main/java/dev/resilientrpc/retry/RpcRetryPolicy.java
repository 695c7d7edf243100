package dev.resilientrpc.retry;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * A named retry policy: how many attempts a call gets, how long it waits between them,
 * how long one attempt and the whole call may take, and which remote application
 * exceptions are worth a retry. Immutable; made with {@link #builder(String)}. The
 * {@link RetryInterceptor} turns it into a Spring
 * {@link org.springframework.core.retry.RetryPolicy} for each call.
 */
public final class RpcRetryPolicy {

	/** Name of the policy that applies when no other is chosen. */
	public static final String DEFAULT = "default";

	private final String name;

	private final int maxAttempts;

	private final BackoffKind backoff;

	private final Duration delay;

	private final Duration minDelay;

	private final Duration initialDelay;

	private final double multiplier;

	private final double jitter;

	private final Duration maxDelay;

	private final @Nullable Duration attemptTimeout;

	private final @Nullable Duration timeout;

	private final Set<String> retryExceptions;

	private final BackOff backOff;

	private RpcRetryPolicy(Builder builder) {
		this.name = builder.name;
		this.maxAttempts = builder.maxAttempts;
		this.backoff = builder.backoff;
		this.delay = builder.delay;
		this.minDelay = builder.minDelay;
		this.initialDelay = builder.initialDelay;
		this.multiplier = builder.multiplier;
		this.jitter = builder.jitter;
		this.maxDelay = builder.maxDelay;
		this.attemptTimeout = builder.attemptTimeout;
		this.timeout = builder.timeout;
		this.retryExceptions = Set.copyOf(builder.retryExceptions);
		this.backOff = createBackOff();
	}

	/**
	 * Start a policy with the built-in defaults: 3 attempts, exponential back-off from
	 * 50ms doubling up to 2s with 0.2 jitter, no attempt timeout and no deadline.
	 * @param name the policy name
	 * @return the builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Start a builder holding this policy's values.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	private BackOff createBackOff() {
		long retries = this.maxAttempts - 1L;
		long max = this.maxDelay.toMillis();
		return switch (this.backoff) {
			case FIXED -> new FixedBackOff(Math.min(this.delay.toMillis(), max), retries);
			case RANDOM -> new RandomBackOff(Math.min(this.minDelay.toMillis(), max), max, retries);
			case EXPONENTIAL -> {
				ExponentialBackOff exponential = new ExponentialBackOff(this.initialDelay.toMillis(), this.multiplier);
				exponential.setMaxInterval(max);
				exponential.setMaxAttempts(retries);
				// Spring's jitter is in milliseconds at the initial delay and grows with
				// the delay,
				// so a fraction of the initial delay is a fraction of every delay.
				exponential.setJitter(Math.round(this.jitter * this.initialDelay.toMillis()));
				yield exponential;
			}
		};
	}

	/**
	 * Return the Spring {@link BackOff} that yields the waits of one call; its executions
	 * stop after {@code maxAttempts - 1} waits.
	 * @return the back-off
	 */
	public BackOff getBackOff() {
		return this.backOff;
	}

	/**
	 * Return the policy name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return how many attempts a call gets, the first included.
	 * @return the number of attempts, at least 1
	 */
	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Return the back-off kind.
	 * @return the kind
	 */
	public BackoffKind getBackoff() {
		return this.backoff;
	}

	/**
	 * Return the wait of the fixed back-off.
	 * @return the delay
	 */
	public Duration getDelay() {
		return this.delay;
	}

	/**
	 * Return the shortest wait of the random back-off.
	 * @return the delay
	 */
	public Duration getMinDelay() {
		return this.minDelay;
	}

	/**
	 * Return the first wait of the exponential back-off.
	 * @return the delay
	 */
	public Duration getInitialDelay() {
		return this.initialDelay;
	}

	/**
	 * Return the factor between two waits of the exponential back-off.
	 * @return the multiplier, at least 1
	 */
	public double getMultiplier() {
		return this.multiplier;
	}

	/**
	 * Return the fraction by which each exponential wait varies at random.
	 * @return the jitter, between 0 and 1
	 */
	public double getJitter() {
		return this.jitter;
	}

	/**
	 * Return the longest wait of every kind.
	 * @return the delay
	 */
	public Duration getMaxDelay() {
		return this.maxDelay;
	}

	/**
	 * Return how long one attempt may take.
	 * @return the timeout or {@code null} to rely on the transport's read timeout
	 */
	public @Nullable Duration getAttemptTimeout() {
		return this.attemptTimeout;
	}

	/**
	 * Return how long a whole call may take, attempts and waits included.
	 * @return the deadline or {@code null} for none
	 */
	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Return the class names of remote exceptions ({@code -32000} errors) that are
	 * retried.
	 * @return the class names
	 */
	public Set<String> getRetryExceptions() {
		return this.retryExceptions;
	}

	@Override
	public String toString() {
		return "RpcRetryPolicy[" + this.name + ": maxAttempts=" + this.maxAttempts + ", backOff=" + this.backOff
				+ ", attemptTimeout=" + this.attemptTimeout + ", timeout=" + this.timeout + "]";
	}

	/**
	 * Builds {@link RpcRetryPolicy} instances; {@link #build()} checks the values.
	 */
	public static final class Builder {

		private final String name;

		private int maxAttempts = 3;

		private BackoffKind backoff = BackoffKind.EXPONENTIAL;

		private Duration delay = Duration.ofMillis(100);

		private Duration minDelay = Duration.ofMillis(50);

		private Duration initialDelay = Duration.ofMillis(50);

		private double multiplier = 2.0;

		private double jitter = 0.2;

		private Duration maxDelay = Duration.ofSeconds(2);

		private @Nullable Duration attemptTimeout;

		private @Nullable Duration timeout;

		private Set<String> retryExceptions = new LinkedHashSet<>();

		private Builder(String name) {
			this.name = name;
		}

		private Builder(RpcRetryPolicy policy) {
			this.name = policy.name;
			this.maxAttempts = policy.maxAttempts;
			this.backoff = policy.backoff;
			this.delay = policy.delay;
			this.minDelay = policy.minDelay;
			this.initialDelay = policy.initialDelay;
			this.multiplier = policy.multiplier;
			this.jitter = policy.jitter;
			this.maxDelay = policy.maxDelay;
			this.attemptTimeout = policy.attemptTimeout;
			this.timeout = policy.timeout;
			this.retryExceptions = new LinkedHashSet<>(policy.retryExceptions);
		}

		/**
		 * Set how many attempts a call gets, the first included.
		 * @param maxAttempts the number of attempts, at least 1
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Set the back-off kind.
		 * @param backoff the kind
		 * @return this builder
		 */
		public Builder backoff(BackoffKind backoff) {
			this.backoff = backoff;
			return this;
		}

		/**
		 * Set the wait of the fixed back-off.
		 * @param delay the delay, not negative
		 * @return this builder
		 */
		public Builder delay(Duration delay) {
			this.delay = delay;
			return this;
		}

		/**
		 * Set the shortest wait of the random back-off.
		 * @param minDelay the delay, not negative
		 * @return this builder
		 */
		public Builder minDelay(Duration minDelay) {
			this.minDelay = minDelay;
			return this;
		}

		/**
		 * Set the first wait of the exponential back-off.
		 * @param initialDelay the delay, not negative
		 * @return this builder
		 */
		public Builder initialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
			return this;
		}

		/**
		 * Set the factor between two waits of the exponential back-off.
		 * @param multiplier the factor, at least 1
		 * @return this builder
		 */
		public Builder multiplier(double multiplier) {
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * Set the fraction by which each exponential wait varies at random.
		 * @param jitter the fraction, between 0 and 1
		 * @return this builder
		 */
		public Builder jitter(double jitter) {
			this.jitter = jitter;
			return this;
		}

		/**
		 * Set the longest wait of every kind.
		 * @param maxDelay the delay, not negative
		 * @return this builder
		 */
		public Builder maxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
			return this;
		}

		/**
		 * Set how long one attempt may take.
		 * @param attemptTimeout the timeout, positive, or {@code null} for the
		 * transport's read timeout
		 * @return this builder
		 */
		public Builder attemptTimeout(@Nullable Duration attemptTimeout) {
			this.attemptTimeout = attemptTimeout;
			return this;
		}

		/**
		 * Set how long a whole call may take.
		 * @param timeout the deadline, positive, or {@code null} for none
		 * @return this builder
		 */
		public Builder timeout(@Nullable Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * Set the class names of remote exceptions that are retried.
		 * @param classNames the fully qualified class names
		 * @return this builder
		 */
		public Builder retryExceptions(Collection<String> classNames) {
			this.retryExceptions = new LinkedHashSet<>(classNames);
			return this;
		}

		/**
		 * Build the policy.
		 * @return the policy
		 * @throws IllegalArgumentException if a value is out of range
		 */
		public RpcRetryPolicy build() {
			Assert.isTrue(this.maxAttempts >= 1, "maxAttempts must be greater than or equal to 1.");
			notNegative("delay", this.delay);
			notNegative("minDelay", this.minDelay);
			notNegative("initialDelay", this.initialDelay);
			notNegative("maxDelay", this.maxDelay);
			Assert.isTrue(this.multiplier >= 1, "multiplier must be greater than or equal to 1.");
			Assert.isTrue(this.jitter >= 0 && this.jitter <= 1, "jitter must be between 0 and 1.");
			Assert.isTrue(this.backoff != BackoffKind.RANDOM || this.minDelay.compareTo(this.maxDelay) <= 0,
					"minDelay must not be greater than maxDelay.");
			Assert.isTrue(this.attemptTimeout == null || isPositive(this.attemptTimeout),
					"attemptTimeout must be positive.");
			Assert.isTrue(this.timeout == null || isPositive(this.timeout), "timeout must be positive.");
			return new RpcRetryPolicy(this);
		}

		private static boolean isPositive(Duration value) {
			return !value.isNegative() && !value.isZero();
		}

		private static void notNegative(String name, Duration value) {
			Assert.isTrue(!value.isNegative(), () -> name + " must not be negative.");
		}

	}

}
