/**
 * A kv node: the service exported over JSON-RPC.
 */
@NullMarked
package dev.resilientrpc.sample.node;

import org.jspecify.annotations.NullMarked;
