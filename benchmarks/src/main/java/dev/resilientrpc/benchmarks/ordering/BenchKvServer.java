package dev.resilientrpc.benchmarks.ordering;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;

/**
 * The benchmarked service.
 */
@RpcService("kv")
public class BenchKvServer implements BenchKv {

	private final Map<String, String> values = new ConcurrentHashMap<>();

	@Override
	public @Nullable String put(String key, String value) {
		return this.values.put(key, value);
	}

}
