/**
 * Benchmarks of timestamp ordering and idempotency.
 */
@NullMarked
package dev.resilientrpc.benchmarks.ordering;

import org.jspecify.annotations.NullMarked;
