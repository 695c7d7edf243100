package dev.resilientrpc.benchmarks.ordering;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RoutingKey;

/**
 * The benchmarked API: a write that does almost nothing, so that what is measured is the
 * cost around it.
 */
public interface BenchKv {

	/**
	 * Store a value.
	 * @param key the key, the ordering key
	 * @param value the value
	 * @return the previous value
	 */
	@Nullable String put(@RoutingKey String key, String value);

}
