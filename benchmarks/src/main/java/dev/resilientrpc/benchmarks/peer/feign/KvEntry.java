package dev.resilientrpc.benchmarks.peer.feign;

import org.jspecify.annotations.Nullable;

/**
 * The JSON body of a put and the answer of a get on the REST kv server.
 *
 * @param key the key
 * @param value the value, {@code null} in the answer to a get of a key without one
 */
public record KvEntry(String key, @Nullable String value) {
}
