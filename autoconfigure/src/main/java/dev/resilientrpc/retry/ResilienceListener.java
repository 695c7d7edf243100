package dev.resilientrpc.retry;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;

/**
 * Hears what the retry, budget and breaker machinery does, for metrics. Every method has
 * an empty default; implementations must be quick and must not throw, as they run on the
 * calling thread.
 */
public interface ResilienceListener {

	/**
	 * A listener that does nothing.
	 */
	ResilienceListener NONE = new ResilienceListener() {
	};

	/**
	 * An attempt is about to be sent; {@link ClientCall#getAttempt()} says which.
	 * @param call the call
	 */
	default void onAttempt(ClientCall call) {
	}

	/**
	 * A failed attempt will be retried after a wait.
	 * @param call the call, whose attempt number is that of the failed attempt
	 * @param reason why the failure is retried
	 * @param delayMillis the wait before the retry
	 */
	default void onRetry(ClientCall call, RetryReason reason, long delayMillis) {
	}

	/**
	 * A failed attempt was not retried because the service's retry budget is spent.
	 * @param call the call
	 */
	default void onBudgetExhausted(ClientCall call) {
	}

	/**
	 * A call is over, after all its attempts.
	 * @param call the call
	 * @param failure what it failed with, or {@code null} if it succeeded
	 * @param nanos how long it took
	 */
	default void onCallFinished(ClientCall call, @Nullable Throwable failure, long nanos) {
	}

	/**
	 * The circuit breaker of an instance changed state.
	 * @param service the service
	 * @param breaker the breaker name
	 * @param fromState the state it left, such as {@code CLOSED}
	 * @param toState the state it entered, such as {@code OPEN}
	 */
	default void onCircuitBreakerTransition(String service, String breaker, String fromState, String toState) {
	}

}
