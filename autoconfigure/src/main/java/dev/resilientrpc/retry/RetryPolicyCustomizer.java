package dev.resilientrpc.retry;

import java.util.function.Consumer;

/**
 * Customizes one named retry policy after its properties are applied: the last word in
 * {@code default} → {@code base-policy} → named policy → customizer, as Resilience4j's
 * {@code CircuitBreakerConfigCustomizer} is.
 */
public interface RetryPolicyCustomizer {

	/**
	 * Return the name of the policy to customize.
	 * @return the policy name
	 */
	String policyName();

	/**
	 * Customize the policy.
	 * @param builder the builder, holding the values from properties
	 */
	void customize(RpcRetryPolicy.Builder builder);

	/**
	 * Create a customizer.
	 * @param policyName the name of the policy to customize
	 * @param customizer the customization
	 * @return the customizer
	 */
	static RetryPolicyCustomizer of(String policyName, Consumer<RpcRetryPolicy.Builder> customizer) {
		return new RetryPolicyCustomizer() {

			@Override
			public String policyName() {
				return policyName;
			}

			@Override
			public void customize(RpcRetryPolicy.Builder builder) {
				customizer.accept(builder);
			}

		};
	}

}
