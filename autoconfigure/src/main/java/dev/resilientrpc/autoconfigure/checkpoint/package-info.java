/**
 * Auto-configuration for checkpoints, command logs and crash recovery.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.checkpoint;

import org.jspecify.annotations.NullMarked;
