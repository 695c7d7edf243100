/**
 * The resilient-rpc client of the peer benchmark; its package is scanned for the proxy.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer.rpc.client;

import org.jspecify.annotations.NullMarked;
