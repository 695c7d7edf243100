package dev.resilientrpc.sample;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RoutingKey;

/**
 * The key-value store's API: JSON-RPC methods {@code kv.put}, {@code kv.get} and
 * {@code kv.delete}.
 */
public interface KvApi {

	/**
	 * Store a value.
	 * @param key the key
	 * @param value the value
	 * @return the previous value or {@code null}
	 */
	@Nullable String put(@RoutingKey String key, String value);

	/**
	 * Read a value.
	 * @param key the key
	 * @return the value or {@code null}
	 */
	@Nullable String get(@RoutingKey String key);

	/**
	 * Remove a value.
	 * @param key the key
	 * @return whether the key was present
	 */
	boolean delete(@RoutingKey String key);

}
