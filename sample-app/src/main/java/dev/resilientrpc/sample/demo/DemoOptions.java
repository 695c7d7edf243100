package dev.resilientrpc.sample.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Settings of one demo run, read from {@code --demo.*} arguments; every other argument is
 * passed to the nodes and to the client as a Spring argument.
 *
 * @param keys how many keys the workload writes
 * @param threads writer threads (each key has one)
 * @param pause pause between two calls of one writer
 * @param warmup load before the fault
 * @param outage how long the fault lasts
 * @param recovery load after the fault is repaired
 * @param fault what goes wrong
 * @param victim index (0-2) of the node that is killed, or that leaves after a fourth one
 * joined
 * @param jar the sample's executable jar to start nodes from, or {@code null} for the
 * running one
 * @param embeddedRedis whether to start an embedded Redis even when one is configured
 * ({@code --demo.redis=embedded}), as tests do: they touch no Redis they did not start
 * @param springArguments arguments for the nodes and the client
 */
public record DemoOptions(int keys, int threads, Duration pause, Duration warmup, Duration outage, Duration recovery,
		Fault fault, int victim, @Nullable Path jar, boolean embeddedRedis, List<String> springArguments) {

	/**
	 * What the demo breaks.
	 */
	public enum Fault {

		/** {@code kill -9} one node, then restart it with the same arguments. */
		KILL_NODE,

		/**
		 * Stop Redis (its append-only file synced on every write), then start it again.
		 */
		RESTART_REDIS,

		/** Make Redis lose everything ({@code FLUSHALL}). */
		FLUSH_REDIS,

		/**
		 * A fourth node joins under load and takes its share of the slots, then one of
		 * the first three leaves (a graceful stop) and hands its slots on.
		 */
		SCALE_OUT

	}

	/**
	 * Read the options from command-line arguments.
	 * @param args the arguments after the mode
	 * @return the options
	 */
	public static DemoOptions parse(List<String> args) {
		int keys = 200;
		int threads = 4;
		Duration pause = Duration.ofMillis(5);
		Duration warmup = Duration.ofSeconds(8);
		Duration outage = Duration.ofSeconds(10);
		Duration recovery = Duration.ofSeconds(8);
		Fault fault = Fault.KILL_NODE;
		int victim = 1;
		Path jar = null;
		boolean embeddedRedis = false;
		List<String> spring = new ArrayList<>();
		for (String arg : args) {
			if (!arg.startsWith("--demo.")) {
				spring.add(arg);
				continue;
			}
			String name = arg.substring(7, arg.indexOf('=') > 0 ? arg.indexOf('=') : arg.length());
			String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
			switch (name) {
				case "keys" -> keys = Integer.parseInt(value);
				case "threads" -> threads = Integer.parseInt(value);
				case "pause" -> pause = Duration.ofMillis(Long.parseLong(value));
				case "warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
				case "outage" -> outage = Duration.ofSeconds(Long.parseLong(value));
				case "recovery" -> recovery = Duration.ofSeconds(Long.parseLong(value));
				case "fault" -> fault = Fault.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
				case "victim" -> victim = Integer.parseInt(value);
				case "jar" -> jar = Path.of(value);
				case "redis" -> embeddedRedis = switch (value) {
					case "embedded" -> true;
					case "auto" -> false;
					default -> throw new IllegalArgumentException("--demo.redis=" + value
							+ " (expected: 'auto', the configured one or else embedded; or " + "'embedded')");
				};
				default -> throw new IllegalArgumentException("Unknown demo option --demo." + name
						+ " (known: keys, threads, pause, warmup, outage, recovery, fault, victim, jar, redis)");
			}
		}
		if (keys < 1 || threads < 1 || victim < 0 || victim > 2) {
			throw new IllegalArgumentException("--demo.keys and --demo.threads must be > 0, --demo.victim 0, 1 or 2");
		}
		return new DemoOptions(keys, threads, pause, warmup, outage, recovery, fault, victim, jar, embeddedRedis,
				List.copyOf(spring));
	}

}
