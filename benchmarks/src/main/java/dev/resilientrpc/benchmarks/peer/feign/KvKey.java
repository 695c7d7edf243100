package dev.resilientrpc.benchmarks.peer.feign;

/**
 * The JSON body of a get on the REST kv server.
 *
 * @param key the key
 */
public record KvKey(String key) {
}
