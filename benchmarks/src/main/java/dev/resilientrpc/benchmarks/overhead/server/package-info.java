/**
 * Benchmarks and load drivers.
 */
@NullMarked
package dev.resilientrpc.benchmarks.overhead.server;

import org.jspecify.annotations.NullMarked;
