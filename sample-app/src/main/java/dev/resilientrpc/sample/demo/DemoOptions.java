package dev.resilientrpc.sample.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * @param victim index (0-2) of the node that is killed
 * @param springArguments arguments for the nodes and the client
 */
public record DemoOptions(int keys, int threads, Duration pause, Duration warmup, Duration outage, Duration recovery,
		Fault fault, int victim, List<String> springArguments) {

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
		FLUSH_REDIS

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
				default -> throw new IllegalArgumentException("Unknown demo option --demo." + name
						+ " (known: keys, threads, pause, warmup, outage, recovery, fault, victim)");
			}
		}
		if (keys < 1 || threads < 1 || victim < 0 || victim > 2) {
			throw new IllegalArgumentException("--demo.keys and --demo.threads must be > 0, --demo.victim 0, 1 or 2");
		}
		return new DemoOptions(keys, threads, pause, warmup, outage, recovery, fault, victim, List.copyOf(spring));
	}

}
