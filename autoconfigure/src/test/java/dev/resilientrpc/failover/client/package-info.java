/**
 * A client of the failover test nodes.
 */
@NullMarked
package dev.resilientrpc.failover.client;

import org.jspecify.annotations.NullMarked;
