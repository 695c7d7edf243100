/**
 * Retries, retry budgets, deadlines, circuit breakers, bulkheads and fallbacks of client
 * calls. The retry loop runs on Spring Framework's
 * {@link org.springframework.core.retry.RetryTemplate}; breakers and bulkheads come from
 * Resilience4j registries.
 */
@NullMarked
package dev.resilientrpc.retry;

import org.jspecify.annotations.NullMarked;
