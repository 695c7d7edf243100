package dev.resilientrpc.sample.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

import dev.resilientrpc.cluster.Slots;
import dev.resilientrpc.sample.demo.DemoRedis;
import dev.resilientrpc.sample.demo.NodeProcess;
import dev.resilientrpc.sample.demo.Ports;

/**
 * Measures how long one slot takes to move with its state: two kv nodes on one embedded
 * Redis, one slot of the first node filled with a given amount of data and checkpointed,
 * a probe reading one of its keys through the second node every few milliseconds, then
 * the first node stopped (a planned move: it hands its slots over) or killed
 * ({@code kill -9}: the second takes the slot once its lease ran out). Prints the move's
 * log lines, the longest time the probe went without an answer, and whether every value
 * arrived whole. Run with {@code benchmarks/run.sh sample slot-move
 * [--sizes=1MB,100MB] [--value-size=100000] [--fault=stop|kill] [--heap=1g]}; any other
 * {@code --x=y} goes to the nodes.
 */
public final class SlotMove {

	private final List<Long> sizes;

	private final int valueSize;

	private final boolean kill;

	private final List<String> nodeArguments;

	private final PrintStream out;

	private SlotMove(List<Long> sizes, int valueSize, boolean kill, List<String> nodeArguments, PrintStream out) {
		this.sizes = sizes;
		this.valueSize = valueSize;
		this.kill = kill;
		this.nodeArguments = nodeArguments;
		this.out = out;
	}

	/**
	 * Run the measurement.
	 * @param args {@code --sizes}, {@code --value-size}, {@code --fault}, {@code --heap}
	 * and Spring arguments for the nodes
	 * @throws Exception if the cluster cannot run
	 */
	public static void main(String[] args) throws Exception {
		List<Long> sizes = List.of(1L << 20, 100L << 20);
		int valueSize = 100_000;
		boolean kill = false;
		String heap = "1g";
		List<String> spring = new ArrayList<>();
		for (String arg : args) {
			String value = arg.substring(arg.indexOf('=') + 1);
			if (arg.startsWith("--sizes=")) {
				sizes = List.of(value.split(",")).stream().map(SlotMove::bytes).toList();
			}
			else if (arg.startsWith("--value-size=")) {
				valueSize = Integer.parseInt(value);
			}
			else if (arg.startsWith("--fault=")) {
				kill = switch (value) {
					case "kill" -> true;
					case "stop" -> false;
					default -> throw new IllegalArgumentException("--fault=" + value + " (expected: stop or kill)");
				};
			}
			else if (arg.startsWith("--heap=")) {
				heap = value;
			}
			else {
				spring.add(arg);
			}
		}
		System.setProperty(NodeProcess.HEAP_PROPERTY, heap);
		new SlotMove(sizes, valueSize, kill, spring, System.out).run();
	}

	private static long bytes(String size) {
		String upper = size.trim().toUpperCase(Locale.ROOT);
		if (upper.endsWith("MB")) {
			return Long.parseLong(upper.substring(0, upper.length() - 2).trim()) << 20;
		}
		if (upper.endsWith("KB")) {
			return Long.parseLong(upper.substring(0, upper.length() - 2).trim()) << 10;
		}
		return Long.parseLong(upper);
	}

	private void run() throws Exception {
		List<String> rows = new ArrayList<>();
		for (long size : this.sizes) {
			rows.add(measure(size));
		}
		this.out.printf(Locale.ROOT, "%n%-8s %6s %6s %10s %12s %12s %14s %8s%n", "size", "keys", "fault", "move ms",
				"no answer ms", "probe fails", "probe calls", "intact");
		rows.forEach(this.out::println);
	}

	private String measure(long size) throws Exception {
		Path dir = Files.createTempDirectory("resilient-rpc-slot-move-");
		try (DemoRedis redis = DemoRedis.embedded()) {
			List<Integer> ports = List.of(Ports.free(), Ports.free());
			String instances = ports.stream()
				.map((port) -> "http://127.0.0.1:" + port)
				.collect(Collectors.joining(","));
			List<String> arguments = new ArrayList<>(this.nodeArguments);
			arguments.add("--spring.data.redis.host=" + redis.host());
			arguments.add("--spring.data.redis.port=" + redis.port());
			arguments.add("--resilient-rpc.client.services.kv.instances=" + instances);
			arguments.add("--resilient-rpc.server.max-request-size=" + Math.max(1 << 20, 2 * this.valueSize));
			List<NodeProcess> nodes = new ArrayList<>();
			for (int port : ports) {
				nodes.add(new NodeProcess(null, port, arguments, dir.resolve("node-" + port + ".log")));
			}
			try {
				nodes.forEach(NodeProcess::start);
				for (NodeProcess node : nodes) {
					node.awaitReady(Duration.ofMinutes(2));
				}
				Map<Integer, NodeProcess> holders = SlotHolders.awaitAllHeld(nodes);
				NodeProcess from = nodes.get(0);
				NodeProcess to = nodes.get(1);
				int slots = holders.size();
				int slot = holders.entrySet()
					.stream()
					.filter((entry) -> entry.getValue() == from)
					.map(Map.Entry::getKey)
					.findFirst()
					.orElseThrow();
				List<String> keys = keysOf(slot, slots, (int) Math.max(1, size / this.valueSize));
				this.out.printf(Locale.ROOT, "%s: slot %d of %s gets %d keys of %d characters (logs in %s)%n",
						describe(size), slot, from.uri(), keys.size(), this.valueSize, dir);
				fill(from, keys);
				String checkpoint = from.actuatorPost("/actuator/resilientrpc/slots/kv");
				this.out.println("  checkpointed: " + ((checkpoint != null) ? "yes" : "no answer"));
				Probe probe = new Probe(to, keys.get(0));
				probe.start();
				probe.awaitAnswers(20);
				long fault = System.nanoTime();
				if (this.kill) {
					from.kill();
				}
				else {
					from.stop();
				}
				long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
				while (!SlotHolders.holds(to, slot)) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("slot " + slot + " did not move within 5 minutes");
					}
					Thread.sleep(20);
				}
				long held = System.nanoTime();
				probe.awaitAnswerAfter(held);
				probe.stop();
				probe.failureKinds.stream()
					.limit(3)
					.forEach((failure) -> this.out.println("  probe failed: " + failure));
				if (probe.failureKinds.size() > 3) {
					this.out.println("  ... and " + (probe.failureKinds.size() - 3) + " more failed probe calls");
				}
				long intact = keys.stream().filter((key) -> whole(to, key)).count();
				String name = String.format(Locale.ROOT, "kv/%04d", slot);
				List<String> moves = new ArrayList<>();
				for (NodeProcess node : nodes) {
					moves.addAll(lines(dir.resolve("node-" + node.port() + ".log"), "SLOT " + name + ": "));
				}
				moves.stream()
					.filter((line) -> !line.contains("(free)"))
					.forEach((line) -> this.out.println("  " + line));
				return String.format(Locale.ROOT, "%-8s %6d %6s %10d %12d %12d %14d %8s", describe(size), keys.size(),
						this.kill ? "kill" : "stop", (held - fault) / 1_000_000,
						probe.longestGapAfter(fault) / 1_000_000, probe.failures.get(), probe.calls.get(),
						intact + "/" + keys.size());
			}
			finally {
				nodes.forEach(NodeProcess::stop);
			}
		}
	}

	private static String describe(long size) {
		return (size >= (1 << 20)) ? (size >> 20) + " MB" : (size >> 10) + " KB";
	}

	private static List<String> keysOf(int slot, int slots, int count) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; keys.size() < count; i++) {
			String key = "move-" + i;
			if (Slots.slotOf(key, slots) == slot) {
				keys.add(key);
			}
		}
		return keys;
	}

	private void fill(NodeProcess node, List<String> keys) throws InterruptedException {
		String value = "v".repeat(this.valueSize);
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		List<Thread> writers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread writer = new Thread(() -> {
				int i;
				while ((i = next.getAndIncrement()) < keys.size()) {
					String params = "[\"" + keys.get(i) + "\",\"" + value + "\"]";
					if (node.call("put", params, Duration.ofSeconds(30)) == null) {
						failed.incrementAndGet();
					}
				}
			}, "fill-" + t);
			writer.start();
			writers.add(writer);
		}
		for (Thread writer : writers) {
			writer.join();
		}
		if (failed.get() > 0) {
			throw new IllegalStateException(failed.get() + " of " + keys.size() + " puts failed");
		}
	}

	private boolean whole(NodeProcess node, String key) {
		JsonNode result = node.call("get", "[\"" + key + "\"]", Duration.ofSeconds(30));
		return result != null && result.asString("").length() == this.valueSize;
	}

	private static List<String> lines(Path log, String marker) throws IOException {
		return Files.readAllLines(log, StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> line.contains(marker))
			.map((line) -> line.substring(line.indexOf(marker)))
			.toList();
	}

	/**
	 * Reads one key of the moving slot through the node that takes it, over and over.
	 */
	private static final class Probe {

		private final NodeProcess node;

		private final String params;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong calls = new AtomicLong();

		private final AtomicLong failures = new AtomicLong();

		private final List<Long> answers = new ArrayList<>();

		private final List<String> failureKinds = new CopyOnWriteArrayList<>();

		private final Thread thread;

		Probe(NodeProcess node, String key) {
			this.node = node;
			this.params = "[\"" + key + "\"]";
			this.thread = new Thread(this::probe, "slot-move-probe");
			this.thread.setDaemon(true);
		}

		void start() {
			this.thread.start();
		}

		private void probe() {
			while (this.running.get()) {
				long sent = System.nanoTime();
				JsonNode answer = this.node.answer("get", this.params, Duration.ofSeconds(10));
				long done = System.nanoTime();
				this.calls.incrementAndGet();
				if (!answer.has("result")) {
					this.failures.incrementAndGet();
					JsonNode error = answer.path("error");
					this.failureKinds.add((error.isObject()
							? error.path("code").asInt() + " " + error.path("data").path("detail").asString("")
							: "transport " + answer.path("transport").asString("")) + " after "
							+ (done - sent) / 1_000_000 + " ms");
				}
				else {
					synchronized (this) {
						this.answers.add(done);
						notifyAll();
					}
				}
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		synchronized void awaitAnswers(int count) throws InterruptedException {
			while (this.answers.size() < count) {
				wait(1000);
			}
		}

		synchronized void awaitAnswerAfter(long nanos) throws InterruptedException {
			while (this.answers.isEmpty() || this.answers.get(this.answers.size() - 1) < nanos) {
				wait(1000);
			}
		}

		synchronized long longestGapAfter(long fault) {
			long longest = 0;
			long previous = fault;
			for (long answer : this.answers) {
				if (answer > fault) {
					longest = Math.max(longest, answer - previous);
					previous = answer;
				}
			}
			return longest;
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(30_000);
		}

	}

}
