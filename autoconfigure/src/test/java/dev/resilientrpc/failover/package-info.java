/**
 * Tests of failover that keeps data.
 */
@NullMarked
package dev.resilientrpc.failover;

import org.jspecify.annotations.NullMarked;
