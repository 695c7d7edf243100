package dev.resilientrpc.benchmarks.peer;

import java.util.ArrayList;
import java.util.List;

import dev.resilientrpc.benchmarks.Drivers;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the Boot servers and clients of the HTTP paths in this JVM, all alike: no
 * banner, warnings only; servers on a free loopback port, stopped at once (no graceful
 * shutdown) when closed, so that closing one is like its process dying.
 */
public final class BootApps {

	private static final String[] COMMON = { "spring.main.banner-mode=off", "logging.level.root=warn" };

	private BootApps() {
	}

	/**
	 * Start three instances of a server application.
	 * @param application the application class
	 * @param store the store the three share, registered as the bean {@code kvStore}
	 * @param properties further properties
	 * @return the started instances
	 */
	public static List<ConfigurableApplicationContext> servers(Class<?> application, KvStore store,
			String... properties) {
		List<ConfigurableApplicationContext> servers = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				servers.add(new SpringApplicationBuilder(application)
					.initializers((context) -> context.getBeanFactory().registerSingleton("kvStore", store))
					.properties(COMMON)
					.properties("server.port=0", "server.address=127.0.0.1", "server.shutdown=immediate")
					.properties(properties)
					.run());
			}
			return servers;
		}
		catch (RuntimeException ex) {
			servers.forEach(ConfigurableApplicationContext::close);
			throw ex;
		}
	}

	/**
	 * Start a client application, without a web server.
	 * @param application the application class
	 * @param properties further properties
	 * @return the started application
	 */
	public static ConfigurableApplicationContext client(Class<?> application, String... properties) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties(COMMON)
			.properties(properties)
			.run();
	}

	/**
	 * The base URL of a started server.
	 * @param server the server
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public static String baseUrl(ConfigurableApplicationContext server) {
		return "http://127.0.0.1:" + Drivers.port(server);
	}

}
