/**
 * Benchmarks and load drivers.
 */
@NullMarked
package dev.resilientrpc.benchmarks.overhead;

import org.jspecify.annotations.NullMarked;
