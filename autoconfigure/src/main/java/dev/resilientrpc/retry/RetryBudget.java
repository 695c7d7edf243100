package dev.resilientrpc.retry;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.util.Assert;

/**
 * The retry budget of one service: a token bucket in the manner of gRPC's
 * {@code retryThrottling}. The bucket starts full with {@code maxTokens}; every failed
 * attempt that reached a server (timeout, broken connection, HTTP 5xx, "overloaded",
 * "duplicate in flight", a listed application exception) takes one token; every
 * successful attempt puts back {@code tokenRatio} of a token, up to {@code maxTokens}. A
 * retry is allowed only while more than half of {@code maxTokens} are left.
 *
 * <p>
 * Failures that never reached a server (a refused connection, an open breaker) take no
 * token. A retry after a refused connection does not need one either, so that a node that
 * is down never stops failover to the others (see {@link RetryReason#needsBudget()}).
 *
 * <p>
 * So when the service fails completely, at most {@code maxTokens / 2} retries are made
 * before retries stop, and from then on each call makes one attempt: attempts per call
 * tend to 1. While a fraction {@code f} of attempts fail, retries go on only as long as
 * successes refill the bucket, which caps retries at about {@code tokenRatio} per
 * success.
 *
 * <p>
 * Tokens are kept in thousandths, as gRPC does, in one atomic integer: no lock.
 */
public final class RetryBudget {

	private static final int SCALE = 1000;

	private final int maxTokens;

	private final double tokenRatio;

	private final int max;

	private final int threshold;

	private final int refill;

	private final AtomicInteger tokens;

	/**
	 * Create a full bucket.
	 * @param maxTokens the size of the bucket, at least 1
	 * @param tokenRatio the part of a token a successful attempt puts back, greater than
	 * 0 and at most 1
	 */
	public RetryBudget(int maxTokens, double tokenRatio) {
		Assert.isTrue(maxTokens >= 1 && maxTokens <= 1_000_000,
				() -> "maxTokens: " + maxTokens + " (expected: 1 to 1000000)");
		Assert.isTrue(tokenRatio > 0 && tokenRatio <= 1,
				() -> "tokenRatio: " + tokenRatio + " (expected: > 0 and <= 1)");
		this.maxTokens = maxTokens;
		this.tokenRatio = tokenRatio;
		this.max = maxTokens * SCALE;
		this.threshold = this.max / 2;
		this.refill = Math.max(1, (int) Math.round(tokenRatio * SCALE));
		this.tokens = new AtomicInteger(this.max);
	}

	/**
	 * Record a successful attempt.
	 */
	public void onSuccess() {
		int current;
		do {
			current = this.tokens.get();
			if (current >= this.max) {
				return;
			}
		}
		while (!this.tokens.compareAndSet(current, Math.min(this.max, current + this.refill)));
	}

	/**
	 * Record a failed attempt that reached a server.
	 */
	public void onFailure() {
		int current;
		do {
			current = this.tokens.get();
			if (current <= 0) {
				return;
			}
		}
		while (!this.tokens.compareAndSet(current, Math.max(0, current - SCALE)));
	}

	/**
	 * Whether a retry is allowed now.
	 * @return whether more than half of the tokens are left
	 */
	public boolean canRetry() {
		return this.tokens.get() > this.threshold;
	}

	/**
	 * Return the tokens left.
	 * @return the number of tokens, with three decimals
	 */
	public double getTokens() {
		return this.tokens.get() / (double) SCALE;
	}

	/**
	 * Return the size of the bucket.
	 * @return the maximum number of tokens
	 */
	public int getMaxTokens() {
		return this.maxTokens;
	}

	/**
	 * Return the part of a token a successful attempt puts back.
	 * @return the ratio
	 */
	public double getTokenRatio() {
		return this.tokenRatio;
	}

	@Override
	public String toString() {
		return "RetryBudget[tokens=" + getTokens() + "/" + this.maxTokens + ", tokenRatio=" + this.tokenRatio + "]";
	}

}
