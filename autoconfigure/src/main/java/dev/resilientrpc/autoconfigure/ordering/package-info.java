/**
 * Auto-configuration for timestamp ordering and idempotency.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.ordering;

import org.jspecify.annotations.NullMarked;
