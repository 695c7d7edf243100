package dev.resilientrpc.retry;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What the resilience interceptors apply to one client method, resolved once from its
 * {@code @ResilientRpc} annotations, its service's configuration and the retry policies.
 *
 * @param policy the retry policy
 * @param idempotent whether the call is safe to repeat after it may have run
 * @param timeout the total deadline of a call, or {@code null} for none
 * @param fallback the fallback, or {@code null} for none
 */
public record RpcMethodSettings(RpcRetryPolicy policy, boolean idempotent, @Nullable Duration timeout,
		@Nullable FallbackMethod fallback) {
}
