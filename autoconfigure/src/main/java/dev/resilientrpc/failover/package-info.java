/**
 * Failover that keeps data: a node serves the keys of a node that is down from a replica
 * of that node's checkpointed state, logs its writes to that node's command log, and
 * hands the keys back when it returns.
 */
@NullMarked
package dev.resilientrpc.failover;

import org.jspecify.annotations.NullMarked;
