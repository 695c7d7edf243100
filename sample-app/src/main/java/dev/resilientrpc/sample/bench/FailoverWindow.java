package dev.resilientrpc.sample.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import tools.jackson.databind.JsonNode;

import dev.resilientrpc.sample.demo.DemoRedis;
import dev.resilientrpc.sample.demo.NodeProcess;
import dev.resilientrpc.sample.demo.Ports;
import org.jspecify.annotations.Nullable;

/**
 * Measures how long the keys of a node that goes away get no answer: three kv nodes,
 * probe threads reading a set of keys through the other nodes over and over (plain
 * JSON-RPC calls, which a node forwards to the holder of the key's slot), and one node at
 * a time killed ({@code kill -9}) or stopped (a graceful leave), then restarted. For
 * every key whose calls failed after the fault, its window is the time from the fault to
 * the first answer after the last failure. Run with
 * {@code benchmarks/run.sh sample failover-window [--runs=20]
 * [--fault=kill|stop] [--keys=300] [--threads=6]}; any other {@code --x=y} goes to the
 * nodes.
 */
public final class FailoverWindow {

	private final int runs;

	private final boolean kill;

	private final int keys;

	private final int threads;

	private final List<String> nodeArguments;

	private final PrintStream out;

	private FailoverWindow(int runs, boolean kill, int keys, int threads, List<String> nodeArguments, PrintStream out) {
		this.runs = runs;
		this.kill = kill;
		this.keys = keys;
		this.threads = threads;
		this.nodeArguments = nodeArguments;
		this.out = out;
	}

	/**
	 * Run the measurement.
	 * @param args {@code --runs}, {@code --fault}, {@code --keys}, {@code --threads} and
	 * Spring arguments for the nodes
	 * @throws Exception if the cluster cannot run
	 */
	public static void main(String[] args) throws Exception {
		int runs = 20;
		boolean kill = true;
		int keys = 300;
		int threads = 6;
		List<String> spring = new ArrayList<>();
		for (String arg : args) {
			String value = arg.substring(arg.indexOf('=') + 1);
			if (arg.startsWith("--runs=")) {
				runs = Integer.parseInt(value);
			}
			else if (arg.startsWith("--fault=")) {
				kill = switch (value) {
					case "kill" -> true;
					case "stop" -> false;
					default -> throw new IllegalArgumentException("--fault=" + value + " (expected: kill or stop)");
				};
			}
			else if (arg.startsWith("--keys=")) {
				keys = Integer.parseInt(value);
			}
			else if (arg.startsWith("--threads=")) {
				threads = Integer.parseInt(value);
			}
			else {
				spring.add(arg);
			}
		}
		new FailoverWindow(runs, kill, keys, threads, spring, System.out).run();
	}

	private void run() throws Exception {
		Path dir = Files.createTempDirectory("resilient-rpc-failover-window-");
		try (DemoRedis redis = DemoRedis.embedded()) {
			List<Integer> ports = List.of(Ports.free(), Ports.free(), Ports.free());
			String instances = String.join(",", ports.stream().map((port) -> "http://127.0.0.1:" + port).toList());
			List<String> arguments = new ArrayList<>(this.nodeArguments);
			arguments.add("--spring.data.redis.host=" + redis.host());
			arguments.add("--spring.data.redis.port=" + redis.port());
			arguments.add("--resilient-rpc.client.services.kv.instances=" + instances);
			List<NodeProcess> nodes = new ArrayList<>();
			for (int port : ports) {
				nodes.add(new NodeProcess(null, port, arguments, dir.resolve("node-" + port + ".log")));
			}
			this.out.println("Starting 3 kv nodes (logs in " + dir + ") ...");
			nodes.forEach(NodeProcess::start);
			for (NodeProcess node : nodes) {
				node.awaitReady(Duration.ofMinutes(2));
			}
			try {
				measure(nodes);
			}
			finally {
				nodes.forEach(NodeProcess::stop);
			}
		}
	}

	private void measure(List<NodeProcess> nodes) throws Exception {
		for (int key = 0; key < this.keys; key++) {
			awaitAnswer(nodes.get(key % nodes.size()), "put", key(key));
		}
		List<Long> windows = new ArrayList<>();
		int affected = 0;
		long failedCalls = 0;
		long calls = 0;
		for (int run = 0; run < this.runs; run++) {
			int victim = run % nodes.size();
			List<NodeProcess> others = new ArrayList<>(nodes);
			others.remove(victim);
			Probes probes = new Probes(others, this.keys, this.threads, run);
			probes.start();
			Thread.sleep(1000);
			long fault = System.nanoTime();
			probes.faultAt(fault);
			if (this.kill) {
				nodes.get(victim).kill();
			}
			else {
				nodes.get(victim).stop();
			}
			// the window of a key ends with its first answer after its last failure; wait
			// until none fails
			long quiet = probes.awaitQuiet(Duration.ofSeconds(3), Duration.ofMinutes(1));
			probes.stop();
			long[] perKey = probes.windows();
			int hit = 0;
			long longest = 0;
			for (long window : perKey) {
				if (window > 0) {
					windows.add(window);
					hit++;
					longest = Math.max(longest, window);
				}
			}
			affected += hit;
			failedCalls += probes.failures.get();
			calls += probes.calls.get();
			this.out.printf(Locale.ROOT,
					"run %2d: %s node %d, %3d keys without an answer for up to %5d ms "
							+ "(%d of %d calls failed: %s; quiet %d ms after the fault)%n",
					run + 1, this.kill ? "kill -9" : "stop", victim, hit, longest / 1_000_000, probes.failures.get(),
					probes.calls.get(), probes.failureKinds, (quiet - fault) / 1_000_000);
			nodes.get(victim).start();
			nodes.get(victim).awaitReady(Duration.ofMinutes(2));
			// let the returning node take its slots back before the next fault
			Thread.sleep(3000);
		}
		long[] sorted = windows.stream().mapToLong(Long::longValue).sorted().toArray();
		this.out.println();
		this.out.printf(Locale.ROOT, "%-10s %5s %8s %8s %8s %8s %8s %12s%n", "fault", "runs", "keys", "p50 ms",
				"p90 ms", "p99 ms", "max ms", "failed calls");
		this.out.printf(Locale.ROOT, "%-10s %5d %8d %8s %8s %8s %8s %12s%n", this.kill ? "kill -9" : "stop", this.runs,
				affected, percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
				percentile(sorted, 1.0), failedCalls + " of " + calls);
	}

	private static String percentile(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return "0";
		}
		int index = (int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
		return Long.toString(sorted[Math.max(0, index)] / 1_000_000);
	}

	private static String key(int index) {
		return "probe-" + index;
	}

	private static void awaitAnswer(NodeProcess node, String method, String key) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (call(node, method, key) == null) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(method + " " + key + " got no answer from " + node.uri());
			}
			Thread.sleep(50);
		}
	}

	/**
	 * Make one plain call.
	 * @return the result, or {@code null} if the call got no result
	 */
	static @Nullable JsonNode call(NodeProcess node, String method, String key) {
		return answer(node, method, key).get("result");
	}

	private static JsonNode answer(NodeProcess node, String method, String key) {
		String params = method.equals("put") ? "[\"" + key + "\",\"v\"]" : "[\"" + key + "\"]";
		return node.answer(method, params, Duration.ofMillis(500));
	}

	/**
	 * What a failed call got: its error code and reason, or what went wrong on the way.
	 */
	private static String failureOf(JsonNode answer) {
		JsonNode error = answer.get("error");
		if (error == null) {
			return "transport " + answer.path("transport").asString("?");
		}
		return error.path("code").asInt() + " " + error.path("data").path("reason").asString("");
	}

	/**
	 * Threads reading the probe keys over and over through the nodes that stay up.
	 */
	private static final class Probes {

		private final List<NodeProcess> nodes;

		private final int keys;

		private final int threads;

		private final long seed;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Thread> workers = new ArrayList<>();

		private final long[] lastFailure;

		private final long[] firstAnswerAfterFailure;

		private final AtomicLong lastFailureOfAll = new AtomicLong();

		private final AtomicLong failures = new AtomicLong();

		private final AtomicLong calls = new AtomicLong();

		private final Map<String, LongAdder> failureKinds = new ConcurrentSkipListMap<>();

		private volatile long fault = Long.MAX_VALUE;

		Probes(List<NodeProcess> nodes, int keys, int threads, long seed) {
			this.nodes = nodes;
			this.keys = keys;
			this.threads = threads;
			this.seed = seed;
			this.lastFailure = new long[keys];
			this.firstAnswerAfterFailure = new long[keys];
		}

		void start() {
			for (int t = 0; t < this.threads; t++) {
				int thread = t;
				Thread worker = new Thread(() -> probe(thread), "probe-" + t);
				worker.setDaemon(true);
				worker.start();
				this.workers.add(worker);
			}
		}

		void faultAt(long nanos) {
			this.fault = nanos;
		}

		private void probe(int thread) {
			Random random = new Random(this.seed * 31 + thread);
			while (this.running.get()) {
				for (int key = thread; key < this.keys && this.running.get(); key += this.threads) {
					NodeProcess node = this.nodes.get(random.nextInt(this.nodes.size()));
					long sent = System.nanoTime();
					JsonNode answer = answer(node, "get", key(key));
					JsonNode result = answer.get("result");
					long done = System.nanoTime();
					this.calls.incrementAndGet();
					synchronized (this) {
						if (result == null) {
							if (sent >= this.fault || done >= this.fault) {
								this.failures.incrementAndGet();
								this.failureKinds.computeIfAbsent(failureOf(answer), (kind) -> new LongAdder())
									.increment();
								this.lastFailure[key] = done;
								this.firstAnswerAfterFailure[key] = 0;
								this.lastFailureOfAll.set(done);
							}
						}
						else if (this.lastFailure[key] != 0 && this.firstAnswerAfterFailure[key] == 0) {
							this.firstAnswerAfterFailure[key] = done;
						}
					}
				}
			}
		}

		/**
		 * Wait until no call has failed for a while.
		 * @return when the last failure was
		 */
		long awaitQuiet(Duration quiet, Duration atMost) throws InterruptedException {
			long deadline = System.nanoTime() + atMost.toNanos();
			while (System.nanoTime() < deadline) {
				long last = Math.max(this.lastFailureOfAll.get(), this.fault);
				if (System.nanoTime() - last > quiet.toNanos()) {
					return last;
				}
				Thread.sleep(50);
			}
			throw new IllegalStateException("Calls still fail " + atMost + " after the fault");
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread worker : this.workers) {
				worker.join(10_000);
			}
		}

		synchronized long[] windows() {
			long[] windows = new long[this.keys];
			for (int key = 0; key < this.keys; key++) {
				if (this.lastFailure[key] != 0 && this.firstAnswerAfterFailure[key] != 0) {
					windows[key] = this.firstAnswerAfterFailure[key] - this.fault;
				}
			}
			return windows;
		}

		@Override
		public String toString() {
			return Arrays.toString(windows());
		}

	}

}
