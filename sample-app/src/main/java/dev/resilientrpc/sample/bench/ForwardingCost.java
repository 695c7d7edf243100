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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.cluster.Slots;
import dev.resilientrpc.sample.demo.DemoRedis;
import dev.resilientrpc.sample.demo.NodeProcess;
import dev.resilientrpc.sample.demo.Ports;

/**
 * Measures what forwarding costs and which keys move when a node joins: kv nodes on one
 * embedded Redis, each key's slot holder read from every node's
 * {@code /actuator/resilientrpc/kv}, then plain calls of {@code kv.get} and
 * {@code kv.put} from client threads sent straight to the key's holder and, the same
 * calls, to a node that forwards them there. Then a third node, listed from the start,
 * joins: the driver waits until every slot is held again and counts the slots and keys
 * that moved, and whether they are exactly those the new node now holds. Run with
 * {@code benchmarks/run.sh sample forwarding-cost [--calls=10000] [--threads=4]
 * [--keys=1000]}; any other {@code --x=y} goes to the nodes.
 */
public final class ForwardingCost {

	private final int calls;

	private final int threads;

	private final int keys;

	private final List<String> nodeArguments;

	private final PrintStream out;

	private ForwardingCost(int calls, int threads, int keys, List<String> nodeArguments, PrintStream out) {
		this.calls = calls;
		this.threads = threads;
		this.keys = keys;
		this.nodeArguments = nodeArguments;
		this.out = out;
	}

	/**
	 * Run the measurement.
	 * @param args {@code --calls}, {@code --threads}, {@code --keys} and Spring arguments
	 * for the nodes
	 * @throws Exception if the cluster cannot run
	 */
	public static void main(String[] args) throws Exception {
		int calls = 10_000;
		int threads = 4;
		int keys = 1000;
		List<String> spring = new ArrayList<>();
		for (String arg : args) {
			String value = arg.substring(arg.indexOf('=') + 1);
			if (arg.startsWith("--calls=")) {
				calls = Integer.parseInt(value);
			}
			else if (arg.startsWith("--threads=")) {
				threads = Integer.parseInt(value);
			}
			else if (arg.startsWith("--keys=")) {
				keys = Integer.parseInt(value);
			}
			else {
				spring.add(arg);
			}
		}
		new ForwardingCost(calls, threads, keys, spring, System.out).run();
	}

	private void run() throws Exception {
		Path dir = Files.createTempDirectory("resilient-rpc-forwarding-cost-");
		try (DemoRedis redis = DemoRedis.embedded()) {
			List<Integer> ports = List.of(Ports.free(), Ports.free(), Ports.free());
			String instances = ports.stream()
				.map((port) -> "http://127.0.0.1:" + port)
				.collect(Collectors.joining(","));
			List<String> arguments = new ArrayList<>(this.nodeArguments);
			arguments.add("--spring.data.redis.host=" + redis.host());
			arguments.add("--spring.data.redis.port=" + redis.port());
			arguments.add("--resilient-rpc.client.services.kv.instances=" + instances);
			List<NodeProcess> nodes = new ArrayList<>();
			for (int port : ports) {
				nodes.add(new NodeProcess(null, port, arguments, dir.resolve("node-" + port + ".log")));
			}
			this.out.println("Redis on " + redis.port() + "; kv nodes " + instances + " (logs in " + dir
					+ "); the third joins later");
			try {
				List<NodeProcess> two = nodes.subList(0, 2);
				two.forEach(NodeProcess::start);
				for (NodeProcess node : two) {
					node.awaitReady(Duration.ofMinutes(2));
				}
				Map<Integer, NodeProcess> before = SlotHolders.awaitAllHeld(two);
				measureForwarding(two, before);
				NodeProcess joining = nodes.get(2);
				long joined = System.nanoTime();
				joining.start();
				joining.awaitReady(Duration.ofMinutes(2));
				Map<Integer, NodeProcess> after = awaitSettled(nodes, joining);
				reportMoves(before, after, joining, (System.nanoTime() - joined) / 1_000_000);
			}
			finally {
				nodes.forEach(NodeProcess::stop);
			}
		}
	}

	private void measureForwarding(List<NodeProcess> nodes, Map<Integer, NodeProcess> holders)
			throws InterruptedException {
		int slots = holders.size();
		IntFunction<NodeProcess> holder = (key) -> holders.get(Slots.slotOf(key(key), slots));
		IntFunction<NodeProcess> other = (key) -> (holder.apply(key) == nodes.get(0)) ? nodes.get(1) : nodes.get(0);
		for (int key = 0; key < this.keys; key++) {
			call(holder.apply(key), "put", key);
		}
		List<String[]> rows = new ArrayList<>();
		for (String method : List.of("get", "put")) {
			run(method, holder, this.calls / 4); // warm-up, both ways
			run(method, other, this.calls / 4);
			long[] direct = run(method, holder, this.calls);
			long[] forwarded = run(method, other, this.calls);
			rows.add(row("kv." + method + " to the holder", direct, direct));
			rows.add(row("kv." + method + " forwarded", forwarded, direct));
		}
		this.out.printf(Locale.ROOT, "%nForwarding, %d calls per row from %d threads, %d keys, %d slots:%n", this.calls,
				this.threads, this.keys, slots);
		this.out.printf(Locale.ROOT, "%-24s %10s %9s %9s %9s %12s%n", "call", "calls/s", "p50 µs", "p99 µs", "failed",
				"vs holder");
		for (String[] row : rows) {
			this.out.printf(Locale.ROOT, "%-24s %10s %9s %9s %9s %12s%n", (Object[]) row);
		}
	}

	/**
	 * Make {@code count} calls from the client threads, each key sent to the node the
	 * function picks; the result is the sorted latencies in nanoseconds, then the wall
	 * time and the failed calls as the last two elements.
	 */
	private long[] run(String method, IntFunction<NodeProcess> target, int count) throws InterruptedException {
		long[] latencies = new long[count];
		AtomicInteger next = new AtomicInteger();
		AtomicLong failed = new AtomicLong();
		List<Thread> workers = new ArrayList<>();
		long start = System.nanoTime();
		for (int t = 0; t < this.threads; t++) {
			Thread worker = new Thread(() -> {
				int i;
				while ((i = next.getAndIncrement()) < count) {
					int key = i % this.keys;
					long sent = System.nanoTime();
					if (call(target.apply(key), method, key) == null) {
						failed.incrementAndGet();
					}
					latencies[i] = System.nanoTime() - sent;
				}
			}, "forwarding-" + method + "-" + t);
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		long wall = System.nanoTime() - start;
		Arrays.sort(latencies);
		long[] result = Arrays.copyOf(latencies, count + 2);
		result[count] = wall;
		result[count + 1] = failed.get();
		return result;
	}

	private static String[] row(String name, long[] run, long[] baseline) {
		int count = run.length - 2;
		double throughput = count / (run[count] / 1e9);
		double baseThroughput = (baseline.length - 2) / (baseline[baseline.length - 2] / 1e9);
		long p99 = percentile(run, 0.99);
		return new String[] { name, String.format(Locale.ROOT, "%.0f", throughput),
				Long.toString(percentile(run, 0.50)), Long.toString(p99), Long.toString(run[count + 1]),
				String.format(Locale.ROOT, "%.2f× / %.2f×", throughput / baseThroughput,
						(double) p99 / Math.max(1, percentile(baseline, 0.99))) };
	}

	private static long percentile(long[] run, double fraction) {
		int count = run.length - 2;
		int index = (int) Math.min(count - 1, Math.ceil(fraction * count) - 1);
		return run[Math.max(0, index)] / 1000;
	}

	private void reportMoves(Map<Integer, NodeProcess> before, Map<Integer, NodeProcess> after, NodeProcess joining,
			long millis) {
		int slots = before.size();
		Set<Integer> moved = new TreeSet<>();
		Set<Integer> heldByNew = new TreeSet<>();
		for (int slot = 0; slot < slots; slot++) {
			if (before.get(slot) != after.get(slot)) {
				moved.add(slot);
			}
			if (after.get(slot) == joining) {
				heldByNew.add(slot);
			}
		}
		long keysMoved = IntStream.range(0, this.keys)
			.filter((key) -> moved.contains(Slots.slotOf(key(key), slots)))
			.count();
		long keysOfNew = IntStream.range(0, this.keys)
			.filter((key) -> heldByNew.contains(Slots.slotOf(key(key), slots)))
			.count();
		this.out.printf(Locale.ROOT,
				"%nA third node joins: %d of %d slots moved (%d of %d keys); the new node holds %d slots (%d keys); "
						+ "the moved slots are %s those it holds; settled %d ms after its start%n",
				moved.size(), slots, keysMoved, this.keys, heldByNew.size(), keysOfNew,
				moved.equals(heldByNew) ? "exactly" : "NOT exactly", millis);
		if (!moved.equals(heldByNew)) {
			this.out.println("  moved: " + moved + "\n  held by the new node: " + heldByNew);
		}
	}

	/**
	 * Wait until every slot is held once and the joining node holds some, and the table
	 * stayed so for a few reads in a row.
	 */
	private Map<Integer, NodeProcess> awaitSettled(List<NodeProcess> nodes, NodeProcess joining)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		Map<Integer, NodeProcess> last = null;
		int same = 0;
		while (System.nanoTime() < deadline) {
			Map<Integer, NodeProcess> holders = SlotHolders.read(nodes);
			if (holders != null && holders.containsValue(joining)) {
				same = holders.equals(last) ? same + 1 : 0;
				last = holders;
				if (same >= 10) {
					return holders;
				}
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException("The slots did not settle within 2 minutes of the join");
	}

	private static String key(int key) {
		return "fwd-" + key;
	}

	private static @Nullable JsonNode call(NodeProcess node, String method, int key) {
		String params = method.equals("put") ? "[\"" + key(key) + "\",\"v\"]" : "[\"" + key(key) + "\"]";
		return node.call(method, params, Duration.ofSeconds(5));
	}

}
