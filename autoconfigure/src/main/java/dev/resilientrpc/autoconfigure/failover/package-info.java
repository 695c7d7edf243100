/**
 * Auto-configuration for failover that keeps data.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.failover;

import org.jspecify.annotations.NullMarked;
