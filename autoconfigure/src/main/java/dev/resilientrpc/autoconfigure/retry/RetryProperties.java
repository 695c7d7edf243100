package dev.resilientrpc.autoconfigure.retry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.retry.BackoffKind;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of retries, retry budgets and deadlines of client calls.
 */
@ConfigurationProperties("resilient-rpc.retry")
public class RetryProperties {

	/**
	 * Retry policies by name. The policy named 'default' applies to methods that choose
	 * no other, and every other policy inherits what it does not set from its
	 * base-policy, then from 'default', then from the built-in defaults.
	 */
	private Map<String, Policy> policies = new LinkedHashMap<>();

	/**
	 * Retry budget of each service.
	 */
	private final Budget budget = new Budget();

	public Map<String, Policy> getPolicies() {
		return this.policies;
	}

	public void setPolicies(Map<String, Policy> policies) {
		this.policies = policies;
	}

	public Budget getBudget() {
		return this.budget;
	}

	/**
	 * One retry policy. Unset values are inherited (base-policy, then 'default', then the
	 * built-in default given here).
	 */
	public static class Policy {

		/**
		 * Name of the policy whose values this one inherits before those of 'default'.
		 */
		private @Nullable String basePolicy;

		/**
		 * Attempts per call, the first included; 1 turns retries off. Built-in default:
		 * 3.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * How the wait before a retry is computed: fixed (delay), random (uniform between
		 * min-delay and max-delay) or exponential (initial-delay, multiplier, jitter).
		 * Built-in default: exponential.
		 */
		private @Nullable BackoffKind backoff;

		/**
		 * Wait before each retry of the fixed back-off. Built-in default: 100ms.
		 */
		private @Nullable Duration delay;

		/**
		 * Shortest wait of the random back-off. Built-in default: 50ms.
		 */
		private @Nullable Duration minDelay;

		/**
		 * First wait of the exponential back-off. Built-in default: 50ms.
		 */
		private @Nullable Duration initialDelay;

		/**
		 * Factor between two waits of the exponential back-off, at least 1. Built-in
		 * default: 2.
		 */
		private @Nullable Double multiplier;

		/**
		 * Fraction, between 0 and 1, by which each exponential wait varies at random
		 * (never below initial-delay). Built-in default: 0.2.
		 */
		private @Nullable Double jitter;

		/**
		 * Longest wait of every back-off kind; a Retry-After longer than this ends the
		 * call instead of waiting. Built-in default: 2s.
		 */
		private @Nullable Duration maxDelay;

		/**
		 * Longest time one attempt may take before it is cut short and counted as a
		 * timeout. Built-in default: none (the client's read-timeout bounds each
		 * attempt).
		 */
		private @Nullable Duration attemptTimeout;

		/**
		 * Total deadline of a call, attempts and waits included; its remainder travels in
		 * Rpc-Timeout. Built-in default: none.
		 */
		private @Nullable Duration timeout;

		/**
		 * Fully qualified class names of remote application exceptions (JSON-RPC error
		 * -32000) to retry. Built-in default: none.
		 */
		private @Nullable List<String> retryExceptions;

		public @Nullable String getBasePolicy() {
			return this.basePolicy;
		}

		public void setBasePolicy(@Nullable String basePolicy) {
			this.basePolicy = basePolicy;
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable BackoffKind getBackoff() {
			return this.backoff;
		}

		public void setBackoff(@Nullable BackoffKind backoff) {
			this.backoff = backoff;
		}

		public @Nullable Duration getDelay() {
			return this.delay;
		}

		public void setDelay(@Nullable Duration delay) {
			this.delay = delay;
		}

		public @Nullable Duration getMinDelay() {
			return this.minDelay;
		}

		public void setMinDelay(@Nullable Duration minDelay) {
			this.minDelay = minDelay;
		}

		public @Nullable Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(@Nullable Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

		public @Nullable Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(@Nullable Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public @Nullable Duration getAttemptTimeout() {
			return this.attemptTimeout;
		}

		public void setAttemptTimeout(@Nullable Duration attemptTimeout) {
			this.attemptTimeout = attemptTimeout;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable List<String> getRetryExceptions() {
			return this.retryExceptions;
		}

		public void setRetryExceptions(@Nullable List<String> retryExceptions) {
			this.retryExceptions = retryExceptions;
		}

	}

	/**
	 * Retry budget: a token bucket per service, in the manner of gRPC's retryThrottling.
	 */
	public static class Budget {

		/**
		 * Size of each service's token bucket. Every failed attempt takes a token; a
		 * retry is allowed only while more than half of the tokens are left.
		 */
		private int maxTokens = 20;

		/**
		 * Part of a token that each successful attempt puts back, greater than 0 and at
		 * most 1.
		 */
		private double tokenRatio = 0.2;

		/**
		 * Budgets of single services, by service name; unset values come from the values
		 * above.
		 */
		private Map<String, ServiceBudget> services = new LinkedHashMap<>();

		public int getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(int maxTokens) {
			this.maxTokens = maxTokens;
		}

		public double getTokenRatio() {
			return this.tokenRatio;
		}

		public void setTokenRatio(double tokenRatio) {
			this.tokenRatio = tokenRatio;
		}

		public Map<String, ServiceBudget> getServices() {
			return this.services;
		}

		public void setServices(Map<String, ServiceBudget> services) {
			this.services = services;
		}

	}

	/**
	 * Retry budget of one service.
	 */
	public static class ServiceBudget {

		/**
		 * Size of the service's token bucket.
		 */
		private @Nullable Integer maxTokens;

		/**
		 * Part of a token that each successful attempt puts back.
		 */
		private @Nullable Double tokenRatio;

		public @Nullable Integer getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(@Nullable Integer maxTokens) {
			this.maxTokens = maxTokens;
		}

		public @Nullable Double getTokenRatio() {
			return this.tokenRatio;
		}

		public void setTokenRatio(@Nullable Double tokenRatio) {
			this.tokenRatio = tokenRatio;
		}

	}

}
