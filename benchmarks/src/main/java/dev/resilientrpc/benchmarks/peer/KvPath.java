package dev.resilientrpc.benchmarks.peer;

import org.jspecify.annotations.Nullable;

/**
 * One way of calling the benchmark's key-value service: a client and the three server
 * instances on loopback it calls, all started by the path and stopped by
 * {@link #close()}. Its methods are called from many client threads at once.
 */
public interface KvPath extends AutoCloseable {

	/**
	 * Store a value.
	 * @param key the key
	 * @param value the value
	 */
	void put(String key, String value);

	/**
	 * Read a value.
	 * @param key the key
	 * @return the value, or {@code null} when the key has none
	 */
	@Nullable String get(String key);

	/**
	 * Whether the path spreads calls over the three instances and survives the loss of
	 * one, so that the fault run means something for it.
	 * @return whether {@link #killOne()} is supported
	 */
	boolean survivesKill();

	/**
	 * Stop one of the three server instances at once, as if its process died: its port
	 * closes and calls in flight on it fail.
	 */
	void killOne();

	@Override
	void close();

}
