/**
 * Benchmarks and load drivers.
 */
@NullMarked
package dev.resilientrpc.benchmarks.overhead.client;

import org.jspecify.annotations.NullMarked;
