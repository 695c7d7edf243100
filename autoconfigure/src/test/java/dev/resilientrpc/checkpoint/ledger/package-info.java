/**
 * A ledger service whose state is checkpointed, used by the checkpoint tests.
 */
@NullMarked
package dev.resilientrpc.checkpoint.ledger;

import org.jspecify.annotations.NullMarked;
