/**
 * Timestamp ordering and idempotency: hybrid logical clocks, per-key execution in
 * timestamp order, and idempotency records that replay the outcome of a call to its
 * retries.
 */
@NullMarked
package dev.resilientrpc.ordering;

import org.jspecify.annotations.NullMarked;
