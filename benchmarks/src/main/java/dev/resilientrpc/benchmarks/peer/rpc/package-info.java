/**
 * The resilient-rpc path of the peer benchmark.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer.rpc;

import org.jspecify.annotations.NullMarked;
