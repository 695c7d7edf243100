package dev.resilientrpc.sample;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.Mutating;
import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.annotation.Unordered;

/**
 * The key-value store's API: JSON-RPC methods {@code kv.put}, {@code kv.get},
 * {@code kv.delete} and {@code kv.append}.
 *
 * <p>
 * Writes are {@link Mutating @Mutating}: logged before they run, replayed after a crash
 * and, while a key's owner is down, logged to the owner's command log by the node serving
 * its keys. Reads are {@link Unordered @Unordered}: they still go to the key's owner, but
 * are never refused as stale when a later-stamped write of the key ran first.
 */
public interface KvApi {

	/**
	 * Store a value.
	 * @param key the key
	 * @param value the value
	 * @return the previous value or {@code null}
	 */
	@Mutating
	@Nullable String put(@RoutingKey String key, String value);

	/**
	 * Read a value.
	 * @param key the key
	 * @return the value or {@code null}
	 */
	@Unordered
	@Nullable String get(@RoutingKey String key);

	/**
	 * Remove a value.
	 * @param key the key
	 * @return whether the key was present
	 */
	@Mutating
	boolean delete(@RoutingKey String key);

	/**
	 * Append to a value, with a comma between the old value and the suffix: a write
	 * applied twice or lost shows in the value.
	 * @param key the key
	 * @param suffix what to append
	 * @return the new value
	 */
	@Mutating
	String append(@RoutingKey String key, String suffix);

}
