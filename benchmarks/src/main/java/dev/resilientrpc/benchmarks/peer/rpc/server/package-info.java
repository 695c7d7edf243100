/**
 * The resilient-rpc kv server of the peer benchmark.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer.rpc.server;

import org.jspecify.annotations.NullMarked;
