/**
 * Benchmarks of the retry pipeline: success-path overhead (JMH) and behaviour under
 * injected failures (load driver).
 */
@NullMarked
package dev.resilientrpc.benchmarks.retry;

import org.jspecify.annotations.NullMarked;
