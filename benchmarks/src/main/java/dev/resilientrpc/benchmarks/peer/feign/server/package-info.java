/**
 * The {@code @RestController} kv server of the Feign and RestClient paths.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer.feign.server;

import org.jspecify.annotations.NullMarked;
