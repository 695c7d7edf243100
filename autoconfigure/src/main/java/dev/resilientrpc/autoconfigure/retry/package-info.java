/**
 * Auto-configuration for retries, retry budgets, deadlines, fallbacks, circuit breakers
 * and bulkheads of client calls.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.retry;

import org.jspecify.annotations.NullMarked;
