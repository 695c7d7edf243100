/**
 * A kv node whose state fails over.
 */
@NullMarked
package dev.resilientrpc.failover.node;

import org.jspecify.annotations.NullMarked;
