/**
 * Benchmarks of checkpoints, command logs and recovery against a private redis-server.
 */
@NullMarked
package dev.resilientrpc.benchmarks.checkpoint;

import org.jspecify.annotations.NullMarked;
