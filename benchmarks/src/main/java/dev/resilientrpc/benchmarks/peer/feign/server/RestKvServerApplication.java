package dev.resilientrpc.benchmarks.peer.feign.server;

import dev.resilientrpc.benchmarks.peer.KvStore;
import dev.resilientrpc.benchmarks.peer.feign.KvEntry;
import dev.resilientrpc.benchmarks.peer.feign.KvKey;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * One REST kv instance, as a Spring user writes it: a {@code @RestController} with a put
 * and a get over the {@link KvStore} bean that the driver registers. Served to the Feign
 * client and to the plain RestClient.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(RestKvServerApplication.KvController.class)
public class RestKvServerApplication {

	/**
	 * The controller.
	 */
	@RestController
	public static class KvController {

		private final KvStore store;

		KvController(KvStore store) {
			this.store = store;
		}

		@PostMapping("/kv/put")
		public void put(@RequestBody KvEntry entry) {
			this.store.put(entry.key(), entryValue(entry));
		}

		@PostMapping("/kv/get")
		public KvEntry get(@RequestBody KvKey key) {
			return new KvEntry(key.key(), this.store.get(key.key()));
		}

		private static String entryValue(KvEntry entry) {
			String value = entry.value();
			if (value == null) {
				throw new IllegalArgumentException("A put needs a value");
			}
			return value;
		}

	}

}
