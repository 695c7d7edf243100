package dev.resilientrpc.autoconfigure.retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.retry.RetryProperties.Policy;
import dev.resilientrpc.retry.BackoffKind;
import dev.resilientrpc.retry.RetryPolicyCustomizer;
import dev.resilientrpc.retry.RpcRetryPolicy;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * Builds the named {@link RpcRetryPolicy retry policies} from {@link RetryProperties}, in
 * Resilience4j's order: built-in defaults, then {@code default}, then the
 * {@code base-policy} chain (farthest first), then the policy's own values, then the
 * customizers of its name. Every value is checked where it is set, so an error names the
 * property that holds it.
 */
final class RetryPolicies {

	private static final String PREFIX = "resilient-rpc.retry.policies.";

	private RetryPolicies() {
	}

	static Map<String, RpcRetryPolicy> build(Map<String, Policy> properties, List<RetryPolicyCustomizer> customizers) {
		properties.forEach(RetryPolicies::check);
		Set<String> names = new LinkedHashSet<>();
		names.add(RpcRetryPolicy.DEFAULT);
		names.addAll(properties.keySet());
		for (RetryPolicyCustomizer customizer : customizers) {
			if (!names.contains(customizer.policyName())) {
				throw new IllegalStateException("RetryPolicyCustomizer " + customizer.getClass().getName()
						+ " customizes retry policy '" + customizer.policyName() + "', which is not defined (define "
						+ PREFIX + customizer.policyName() + ")");
			}
		}
		Map<String, RpcRetryPolicy> policies = new LinkedHashMap<>();
		for (String name : names) {
			policies.put(name, build(name, properties, customizers));
		}
		return policies;
	}

	private static RpcRetryPolicy build(String name, Map<String, Policy> properties,
			List<RetryPolicyCustomizer> customizers) {
		List<String> chain = chain(name, properties);
		RpcRetryPolicy.Builder builder = RpcRetryPolicy.builder(name);
		for (String level : chain) {
			apply(properties.get(level), builder);
		}
		// a cross-field error must name the level that set the offending value
		checkDelays(name, chain, properties);
		for (RetryPolicyCustomizer customizer : customizers) {
			if (customizer.policyName().equals(name)) {
				customizer.customize(builder);
			}
		}
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(
					"Retry policy '" + name + "' is invalid after its customizers ran: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the levels whose values make up a policy, least specific first:
	 * {@code default}, then the farthest base, ..., then the policy itself.
	 */
	private static @Nullable String basePolicyOf(Map<String, Policy> properties, String name) {
		Policy policy = properties.get(name);
		return (policy != null) ? policy.getBasePolicy() : null;
	}

	private static List<String> chain(String name, Map<String, Policy> properties) {
		List<String> chain = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		String current = name;
		while (current != null) {
			if (!seen.add(current)) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + name + ".base-policy",
						basePolicyOf(properties, name),
						"base policies form a cycle: " + String.join(" -> ", seen) + " -> " + current);
			}
			chain.add(current);
			Policy policy = properties.get(current);
			String base = (policy != null) ? policy.getBasePolicy() : null;
			if (base != null && !properties.containsKey(base) && !RpcRetryPolicy.DEFAULT.equals(base)) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + current + ".base-policy", base,
						"no retry policy '" + base + "' is defined under resilient-rpc.retry.policies");
			}
			current = StringUtils.hasText(base) ? base : null;
		}
		if (!chain.contains(RpcRetryPolicy.DEFAULT)) {
			chain.add(RpcRetryPolicy.DEFAULT);
		}
		Collections.reverse(chain);
		return chain;
	}

	private static void apply(@Nullable Policy policy, RpcRetryPolicy.Builder builder) {
		if (policy == null) {
			return;
		}
		if (policy.getMaxAttempts() != null) {
			builder.maxAttempts(policy.getMaxAttempts());
		}
		if (policy.getBackoff() != null) {
			builder.backoff(policy.getBackoff());
		}
		if (policy.getDelay() != null) {
			builder.delay(policy.getDelay());
		}
		if (policy.getMinDelay() != null) {
			builder.minDelay(policy.getMinDelay());
		}
		if (policy.getInitialDelay() != null) {
			builder.initialDelay(policy.getInitialDelay());
		}
		if (policy.getMultiplier() != null) {
			builder.multiplier(policy.getMultiplier());
		}
		if (policy.getJitter() != null) {
			builder.jitter(policy.getJitter());
		}
		if (policy.getMaxDelay() != null) {
			builder.maxDelay(policy.getMaxDelay());
		}
		if (policy.getAttemptTimeout() != null) {
			builder.attemptTimeout(policy.getAttemptTimeout());
		}
		if (policy.getTimeout() != null) {
			builder.timeout(policy.getTimeout());
		}
		if (policy.getRetryExceptions() != null) {
			builder.retryExceptions(policy.getRetryExceptions());
		}
	}

	private static void check(String name, Policy policy) {
		String prefix = PREFIX + name + ".";
		if (policy.getMaxAttempts() != null && policy.getMaxAttempts() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + "max-attempts", policy.getMaxAttempts(),
					"must be >= 1 (1 turns retries off)");
		}
		notNegative(prefix + "delay", policy.getDelay());
		notNegative(prefix + "min-delay", policy.getMinDelay());
		notNegative(prefix + "initial-delay", policy.getInitialDelay());
		notNegative(prefix + "max-delay", policy.getMaxDelay());
		positive(prefix + "attempt-timeout", policy.getAttemptTimeout());
		positive(prefix + "timeout", policy.getTimeout());
		if (policy.getMultiplier() != null && !(policy.getMultiplier() >= 1)) {
			throw new InvalidConfigurationPropertyValueException(prefix + "multiplier", policy.getMultiplier(),
					"must be >= 1");
		}
		if (policy.getJitter() != null && !(policy.getJitter() >= 0 && policy.getJitter() <= 1)) {
			throw new InvalidConfigurationPropertyValueException(prefix + "jitter", policy.getJitter(),
					"must be between 0 and 1");
		}
		List<String> exceptions = policy.getRetryExceptions();
		if (exceptions != null) {
			for (int i = 0; i < exceptions.size(); i++) {
				if (!StringUtils.hasText(exceptions.get(i)) || exceptions.get(i).contains(" ")) {
					throw new InvalidConfigurationPropertyValueException(prefix + "retry-exceptions[" + i + "]",
							exceptions.get(i), "must be a fully qualified class name");
				}
			}
		}
	}

	private static void checkDelays(String name, List<String> chain, Map<String, Policy> properties) {
		BackoffKind backoff = BackoffKind.EXPONENTIAL;
		Duration minDelay = null;
		Duration maxDelay = null;
		String minLevel = null;
		String maxLevel = null;
		for (String level : chain) {
			Policy policy = properties.get(level);
			if (policy == null) {
				continue;
			}
			if (policy.getBackoff() != null) {
				backoff = policy.getBackoff();
			}
			if (policy.getMinDelay() != null) {
				minDelay = policy.getMinDelay();
				minLevel = level;
			}
			if (policy.getMaxDelay() != null) {
				maxDelay = policy.getMaxDelay();
				maxLevel = level;
			}
		}
		RpcRetryPolicy defaults = RpcRetryPolicy.builder(name).build();
		Duration min = (minDelay != null) ? minDelay : defaults.getMinDelay();
		Duration max = (maxDelay != null) ? maxDelay : defaults.getMaxDelay();
		if (backoff == BackoffKind.RANDOM && min.compareTo(max) > 0) {
			String property = (minLevel != null) ? PREFIX + minLevel + ".min-delay" : PREFIX + maxLevel + ".max-delay";
			throw new InvalidConfigurationPropertyValueException(property, (minLevel != null) ? min : max,
					"min-delay (" + min.toMillis() + "ms) must not exceed max-delay (" + max.toMillis()
							+ "ms) of the random back-off of retry policy '" + name + "'");
		}
	}

	private static void notNegative(String property, @Nullable Duration value) {
		if (value != null && value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(property, value, "must not be negative");
		}
	}

	private static void positive(String property, @Nullable Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			throw new InvalidConfigurationPropertyValueException(property, value, "must be > 0");
		}
	}

}
