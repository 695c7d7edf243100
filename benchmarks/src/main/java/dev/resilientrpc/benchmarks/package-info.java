/**
 * Benchmarks and load drivers.
 */
@NullMarked
package dev.resilientrpc.benchmarks;

import org.jspecify.annotations.NullMarked;
