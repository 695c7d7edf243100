/**
 * The peer benchmark: the same key-value workload through resilient-rpc and its peers.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer;

import org.jspecify.annotations.NullMarked;
