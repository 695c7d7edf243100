/**
 * Tests of checkpoints, command logs and crash recovery.
 */
@NullMarked
package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.NullMarked;
