package dev.resilientrpc.sample.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.sample.KvApi;

import org.springframework.stereotype.Service;

/**
 * One node of the key-value store, exported as service {@code kv}.
 */
@Service
@RpcService("kv")
public class KvNode implements KvApi {

	private final Map<String, String> entries = new ConcurrentHashMap<>();

	@Override
	public @Nullable String put(String key, String value) {
		return this.entries.put(key, value);
	}

	@Override
	public @Nullable String get(String key) {
		return this.entries.get(key);
	}

	@Override
	public boolean delete(String key) {
		return this.entries.remove(key) != null;
	}

	/**
	 * Return how many keys the node holds.
	 * @return the number of keys
	 */
	public int size() {
		return this.entries.size();
	}

}
