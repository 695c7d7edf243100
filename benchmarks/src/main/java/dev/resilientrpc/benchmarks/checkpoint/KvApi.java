package dev.resilientrpc.benchmarks.checkpoint;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.Mutating;

/**
 * A key-value service whose writes are logged.
 */
public interface KvApi {

	/**
	 * Store a value.
	 * @param key the key
	 * @param value the value
	 */
	@Mutating
	void put(String key, String value);

	/**
	 * Read a value.
	 * @param key the key
	 * @return the value or {@code null}
	 */
	@Nullable String get(String key);

}
