/**
 * The gRPC-java path of the peer benchmark; the messages are generated from
 * {@code peer_kv.proto}.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer.grpc;

import org.jspecify.annotations.NullMarked;
