/**
 * The client application of the HTTP ordering benchmark.
 */
@NullMarked
package dev.resilientrpc.benchmarks.ordering.client;

import org.jspecify.annotations.NullMarked;
