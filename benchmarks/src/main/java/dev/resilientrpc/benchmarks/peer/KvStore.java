package dev.resilientrpc.benchmarks.peer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The state behind the three instances of one path: they share it, standing for stateless
 * servers in front of one store, so that any instance answers any key right, whichever
 * instance a client's balancer picks and after one instance died. The workload's check of
 * each read then tests the transport, not the routing.
 */
public final class KvStore {

	private final Map<String, String> values = new ConcurrentHashMap<>();

	public void put(String key, String value) {
		this.values.put(key, value);
	}

	public @Nullable String get(String key) {
		return this.values.get(key);
	}

}
