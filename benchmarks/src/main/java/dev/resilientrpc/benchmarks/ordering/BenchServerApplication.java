package dev.resilientrpc.benchmarks.ordering;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The server of the HTTP benchmark.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchServerApplication {

	@Bean
	BenchKvServer benchKvServer() {
		return new BenchKvServer();
	}

}
