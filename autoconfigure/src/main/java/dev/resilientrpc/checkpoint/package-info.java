/**
 * Checkpoints and command logs: the state of
 * {@link dev.resilientrpc.checkpoint.Checkpointable} beans is written to a
 * {@link dev.resilientrpc.checkpoint.CheckpointStore} (Redis by default), calls to
 * {@link dev.resilientrpc.annotation.Mutating @Mutating} methods are logged before they
 * are answered, and on startup the latest checkpoint plus the log after it restore the
 * state.
 */
@NullMarked
package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.NullMarked;
