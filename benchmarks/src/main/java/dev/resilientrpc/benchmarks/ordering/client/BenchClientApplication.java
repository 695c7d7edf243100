package dev.resilientrpc.benchmarks.ordering.client;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.benchmarks.ordering.BenchKv;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The client of the HTTP benchmark.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchClientApplication {

	/** Proxy of the benchmarked service. */
	@ResilientRpc(service = "kv")
	public interface BenchKvClient extends BenchKv {

	}

}
