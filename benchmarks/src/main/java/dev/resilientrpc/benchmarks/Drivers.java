package dev.resilientrpc.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the load drivers share: their {@code --name=value} options and the port of a Boot
 * server they started.
 */
public final class Drivers {

	private Drivers() {
	}

	/**
	 * Parse {@code --name=value} arguments.
	 * @param args the arguments
	 * @return the values by name, in the order given
	 * @throws IllegalArgumentException for an argument of another form
	 */
	public static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "' (expected --name=value)");
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		return options;
	}

	/**
	 * The port a started web application listens on.
	 * @param context the application, a {@link WebServerApplicationContext}
	 * @return its port
	 */
	public static int port(ConfigurableApplicationContext context) {
		return Objects.requireNonNull(((WebServerApplicationContext) context).getWebServer()).getPort();
	}

}
