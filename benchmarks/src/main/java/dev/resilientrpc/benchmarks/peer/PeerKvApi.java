package dev.resilientrpc.benchmarks.peer;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.annotation.Unordered;

/**
 * The benchmark's key-value service as resilient-rpc exports and calls it. The key routes
 * both methods on the client's ring; with ordering on, puts of a key run in timestamp
 * order and are deduplicated, gets are not ordered.
 */
public interface PeerKvApi {

	/**
	 * Store a value.
	 * @param key the key, routing and ordering key
	 * @param value the value
	 */
	void put(@RoutingKey String key, String value);

	/**
	 * Read a value.
	 * @param key the key, routing key
	 * @return the value, or {@code null}
	 */
	@Unordered
	@Nullable String get(@RoutingKey String key);

}
