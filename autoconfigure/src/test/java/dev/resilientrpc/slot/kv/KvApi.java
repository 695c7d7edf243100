package dev.resilientrpc.slot.kv;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.Mutating;
import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.annotation.Unordered;

/**
 * The kv service of the slot tests.
 */
public interface KvApi {

	/**
	 * Append to a key's value.
	 * @param key the key
	 * @param suffix what to append
	 * @return the value after the append: the suffixes so far, comma separated
	 */
	@Mutating
	String append(@RoutingKey String key, String suffix);

	/**
	 * Read a key.
	 * @param key the key
	 * @return its value, or {@code null}
	 */
	@Unordered
	@Nullable String get(@RoutingKey String key);

}
