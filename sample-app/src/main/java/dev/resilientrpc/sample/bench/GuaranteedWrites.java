package dev.resilientrpc.sample.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.resilientrpc.sample.demo.DemoRedis;
import dev.resilientrpc.sample.demo.NodeProcess;
import dev.resilientrpc.sample.demo.Ports;
import org.jspecify.annotations.Nullable;

/**
 * Measures what a guaranteed write costs beside an unguaranteed read on one kv node: a
 * private Redis (append-only, synced on every write), one node whose Redis connections go
 * through a {@link CountingProxy}, and client threads making plain JSON-RPC calls with
 * the JDK {@link HttpClient}: {@code kv.get} ({@code @Unordered}) and {@code kv.put}
 * ({@code @Mutating}: ordered, deduplicated, logged), each put with a fresh
 * {@code Idempotency-Key}. After a warm-up, each phase makes a fixed number of calls; the
 * table gives throughput, latency, and per call the proxy's bursts (reads on the way to
 * Redis: round trips, when calls do not overlap), the commands Redis ran
 * ({@code INFO commandstats}, read beside the proxy) and the bytes sent to it. Around the
 * put phases it reads Redis memory and key count, and at the end what the puts left in
 * Redis, by key pattern. Run with
 * {@code benchmarks/run.sh sample guaranteed-writes [--calls=20000] [--threads=8]
 * [--keys=1000] [--single-calls=5000] [--warmup=5000] [--value-size=100]
 * [--proxy=true] [--appendfsync=always]}: {@code --proxy=false} connects the node to
 * Redis directly (no bursts or bytes counted, the proxy's own cost gone),
 * {@code --appendfsync=everysec} lets Redis sync once a second instead of on every write;
 * any other {@code --x=y} goes to the node.
 */
public final class GuaranteedWrites {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private final Options options;

	private final PrintStream out;

	private GuaranteedWrites(Options options, PrintStream out) {
		this.options = options;
		this.out = out;
	}

	/**
	 * Run the measurement.
	 * @param args {@code --calls}, {@code --threads}, {@code --keys},
	 * {@code --single-calls}, {@code --warmup}, {@code --value-size} and Spring arguments
	 * for the node
	 * @throws Exception if the node cannot run
	 */
	public static void main(String[] args) throws Exception {
		new GuaranteedWrites(Options.parse(args), System.out).run();
	}

	private void run() throws Exception {
		Path dir = Files.createTempDirectory("resilient-rpc-guaranteed-writes-");
		try (DemoRedis redis = DemoRedis.embedded();
				CountingProxy proxy = new CountingProxy(redis.host(), redis.port());
				RedisProbe probe = new RedisProbe(redis.host(), redis.port())) {
			int port = Ports.free();
			List<String> arguments = new ArrayList<>(this.options.nodeArguments());
			arguments.add("--spring.data.redis.host=127.0.0.1");
			arguments.add("--spring.data.redis.port=" + (this.options.proxy() ? proxy.port() : redis.port()));
			arguments.add("--resilient-rpc.client.services.kv.instances=http://127.0.0.1:" + port);
			NodeProcess node = new NodeProcess(null, port, arguments, dir.resolve("node-" + port + ".log"));
			probe.call("CONFIG", "SET", "appendfsync", this.options.appendfsync());
			this.out.println("Starting Redis on " + redis.port() + " (appendonly, appendfsync "
					+ this.options.appendfsync() + ") and one kv node on " + port + " with Redis "
					+ (this.options.proxy() ? "through a counting proxy on " + proxy.port() : "direct, no proxy")
					+ " (log in " + dir + ") ...");
			node.start();
			try {
				node.awaitReady(Duration.ofMinutes(2));
				measure(node, proxy, probe);
			}
			finally {
				node.stop();
			}
		}
	}

	private void measure(NodeProcess node, CountingProxy proxy, RedisProbe probe) throws InterruptedException {
		Options o = this.options;
		this.out.printf(Locale.ROOT, "Warm-up: %d puts (every key once), then %d gets and %d puts, %d threads%n",
				o.keys(), o.warmup(), o.warmup(), o.threads());
		new Phase("put", o.threads(), o.keys()).run(node, proxy, probe);
		new Phase("get", o.threads(), o.warmup()).run(node, proxy, probe);
		new Phase("put", o.threads(), o.warmup()).run(node, proxy, probe);
		List<Result> results = new ArrayList<>();
		for (Phase phase : List.of(new Phase("get", o.threads(), o.calls()), new Phase("put", o.threads(), o.calls()),
				new Phase("get", 1, o.singleCalls()), new Phase("put", 1, o.singleCalls()))) {
			this.out.printf(Locale.ROOT, "Measuring kv.%s, %d calls from %d threads ...%n", phase.method(),
					phase.calls(), phase.threads());
			results.add(phase.run(node, proxy, probe));
		}
		printCalls(results);
		printCommands(results);
		printMemory(results);
		printKeys(probe);
	}

	private void printCalls(List<Result> results) {
		this.out.println();
		this.out.printf(Locale.ROOT, "| %-6s | %7s | %6s | %6s | %7s | %7s | %7s | %9s | %9s | %10s | %10s |%n",
				"method", "threads", "calls", "failed", "calls/s", "p50 µs", "p99 µs", "bursts/c", "cmds/c", "sent B/c",
				"recv B/c");
		this.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Result r : results) {
			double calls = r.calls();
			this.out.printf(Locale.ROOT,
					"| %-6s | %7d | %6d | %6d | %7.0f | %7d | %7d | %9.2f | %9.2f | %10.0f | %10.0f |%n",
					"kv." + r.method(), r.threads(), r.calls(), r.failed(), r.throughput(), r.percentile(0.50),
					r.percentile(0.99), r.redis().bursts() / calls, r.commandTotal() / calls,
					r.redis().bytesSent() / calls, r.redis().bytesReceived() / calls);
		}
		this.out.println();
		for (int threads : new int[] { this.options.threads(), 1 }) {
			Result get = find(results, "get", threads);
			Result put = find(results, "put", threads);
			if (get != null && put != null) {
				this.out.printf(Locale.ROOT, "put/get throughput, %d thread(s): %.2f  (goal of issue 13: >= 0.5)%n",
						threads, put.throughput() / get.throughput());
			}
		}
		for (Result r : results) {
			// a checkpoint publish pushes its id onto the slot's list of checkpoints
			long checkpoints = r.commands().getOrDefault("lpush", 0L);
			if (checkpoints > 0) {
				this.out.printf(Locale.ROOT, "kv.%s, %d thread(s): %d slot checkpoints were written during the phase%n",
						r.method(), r.threads(), checkpoints);
			}
		}
		for (Result r : results) {
			if (r.failed() > 0) {
				this.out.printf(Locale.ROOT, "kv.%s, %d threads: %d failed calls, first: %s%n", r.method(), r.threads(),
						r.failed(), r.firstFailure());
			}
		}
	}

	private void printCommands(List<Result> results) {
		this.out.println();
		this.out.println("Redis commands per call, by command (INFO commandstats deltas):");
		for (Result r : results) {
			StringBuilder line = new StringBuilder();
			r.commands().forEach((command, count) -> {
				if (count > 0) {
					line.append(String.format(Locale.ROOT, " %s=%.3f", command, count / (double) r.calls()));
				}
			});
			this.out.printf(Locale.ROOT, "  kv.%s, %d thread(s):%s%n", r.method(), r.threads(),
					line.isEmpty() ? " none" : line);
		}
	}

	private void printMemory(List<Result> results) {
		this.out.println();
		this.out.printf(Locale.ROOT, "| %-6s | %7s | %6s | %14s | %14s | %9s | %9s | %9s | %11s |%n", "phase",
				"threads", "calls", "used_memory 0", "used_memory 1", "DBSIZE 0", "DBSIZE 1", "keys/c", "memory B/c");
		this.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Result r : results) {
			if (r.method().equals("put")) {
				this.out.printf(Locale.ROOT, "| %-6s | %7d | %6d | %14d | %14d | %9d | %9d | %9.2f | %11.0f |%n",
						"kv.put", r.threads(), r.calls(), r.memoryBefore(), r.memoryAfter(), r.keysBefore(),
						r.keysAfter(), (r.keysAfter() - r.keysBefore()) / (double) r.calls(),
						(r.memoryAfter() - r.memoryBefore()) / (double) r.calls());
			}
		}
	}

	private void printKeys(RedisProbe probe) {
		List<String> keys = probe.keys();
		Map<String, KeyPattern> patterns = new TreeMap<>();
		for (int from = 0; from < keys.size(); from += 500) {
			List<String> batch = keys.subList(from, Math.min(keys.size(), from + 500));
			List<List<String>> commands = new ArrayList<>();
			for (String key : batch) {
				commands.add(List.of("TYPE", key));
				commands.add(List.of("MEMORY", "USAGE", key));
				commands.add(List.of("PTTL", key));
			}
			List<@Nullable Object> replies = probe.pipeline(commands);
			List<List<String>> lengths = new ArrayList<>();
			for (int i = 0; i < batch.size(); i++) {
				String type = String.valueOf(replies.get(3 * i));
				lengths.add(List.of(lengthCommand(type), batch.get(i)));
			}
			List<@Nullable Object> sizes = probe.pipeline(lengths);
			for (int i = 0; i < batch.size(); i++) {
				String type = String.valueOf(replies.get(3 * i));
				KeyPattern pattern = patterns.computeIfAbsent(pattern(batch.get(i)) + " (" + type + ")",
						(name) -> new KeyPattern());
				pattern.keys++;
				pattern.bytes += asLong(replies.get(3 * i + 1));
				pattern.elements += asLong(sizes.get(i));
				long ttl = asLong(replies.get(3 * i + 2));
				pattern.ttlMillis = (pattern.ttlMillis == 0 || (ttl > 0 && ttl < pattern.ttlMillis)) ? ttl
						: pattern.ttlMillis;
				if (pattern.example.isEmpty()) {
					pattern.example = batch.get(i);
				}
			}
		}
		this.out.println();
		this.out.println("What is left in Redis, by key pattern (digits replaced by *; MEMORY USAGE summed; "
				+ "elements: STRLEN/HLEN/LLEN/XLEN/SCARD/ZCARD summed; TTL: lowest seen, -1 none):");
		this.out.printf(Locale.ROOT, "| %-44s | %7s | %9s | %12s | %12s | %s |%n", "pattern (type)", "keys", "elements",
				"memory B", "TTL s", "example");
		this.out.println("|---|---:|---:|---:|---:|---|");
		patterns.forEach((name, p) -> this.out.printf(Locale.ROOT, "| %-44s | %7d | %9d | %12d | %12s | %s |%n", name,
				p.keys, p.elements, p.bytes, (p.ttlMillis > 0) ? Long.toString(p.ttlMillis / 1000) : "-1",
				abbreviate(p.example)));
	}

	private static String lengthCommand(String type) {
		return switch (type) {
			case "hash" -> "HLEN";
			case "list" -> "LLEN";
			case "stream" -> "XLEN";
			case "set" -> "SCARD";
			case "zset" -> "ZCARD";
			default -> "STRLEN";
		};
	}

	private static String pattern(String key) {
		StringBuilder pattern = new StringBuilder();
		for (String part : key.split(":", -1)) {
			if (!pattern.isEmpty()) {
				pattern.append(':');
			}
			pattern.append(part.chars().anyMatch(Character::isDigit) ? "*" : part);
		}
		return pattern.toString();
	}

	private static String abbreviate(String text) {
		return (text.length() <= 60) ? text : text.substring(0, 57) + "...";
	}

	private static long asLong(@Nullable Object reply) {
		return (reply instanceof Long value) ? value : 0;
	}

	private static @Nullable Result find(List<Result> results, String method, int threads) {
		for (Result r : results) {
			if (r.method().equals(method) && r.threads() == threads) {
				return r;
			}
		}
		return null;
	}

	private static long sum(Map<String, Long> commands) {
		return commands.values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * Keys of one pattern.
	 */
	private static final class KeyPattern {

		private long keys;

		private long elements;

		private long bytes;

		private long ttlMillis;

		private String example = "";

	}

	/**
	 * A fixed number of calls of one method, drawn from one counter by all threads.
	 */
	private final class Phase {

		private final String method;

		private final int threads;

		private final int calls;

		Phase(String method, int threads, int calls) {
			this.method = method;
			this.threads = threads;
			this.calls = calls;
		}

		String method() {
			return this.method;
		}

		int threads() {
			return this.threads;
		}

		int calls() {
			return this.calls;
		}

		Result run(NodeProcess node, CountingProxy proxy, RedisProbe probe) throws InterruptedException {
			long[] latencies = new long[this.calls];
			AtomicInteger next = new AtomicInteger();
			AtomicLong failed = new AtomicLong();
			AtomicReference<String> firstFailure = new AtomicReference<>("");
			URI uri = URI.create(node.uri() + "/rpc");
			String value = "v".repeat(GuaranteedWrites.this.options.valueSize());
			int keys = GuaranteedWrites.this.options.keys();
			long memoryBefore = usedMemory(probe);
			long keysBefore = asLong(probe.call("DBSIZE"));
			Map<String, Long> commandsBefore = probe.commandCalls();
			CountingProxy.Counts before = proxy.counts();
			long start = System.nanoTime();
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < this.threads; t++) {
				Thread worker = new Thread(() -> {
					int i;
					while ((i = next.getAndIncrement()) < this.calls) {
						String key = "bench-" + (i % keys);
						long sent = System.nanoTime();
						String failure = call(uri, key, value);
						latencies[i] = System.nanoTime() - sent;
						if (failure != null) {
							failed.incrementAndGet();
							firstFailure.compareAndSet("", failure);
						}
					}
				}, "bench-" + this.method + "-" + t);
				worker.start();
				workers.add(worker);
			}
			for (Thread worker : workers) {
				worker.join();
			}
			long wall = System.nanoTime() - start;
			CountingProxy.Counts redis = proxy.counts().minus(before);
			Map<String, Long> commands = new TreeMap<>(probe.commandCalls());
			commands.replaceAll((command, count) -> count - commandsBefore.getOrDefault(command, 0L));
			// the probe's own INFO is not the node's
			commands.remove("info");
			long memoryAfter = usedMemory(probe);
			long keysAfter = asLong(probe.call("DBSIZE"));
			Arrays.sort(latencies);
			return new Result(this.method, this.threads, this.calls, failed.get(), String.valueOf(firstFailure.get()),
					wall, latencies, redis, commands, memoryBefore, memoryAfter, keysBefore, keysAfter);
		}

		private static long usedMemory(RedisProbe probe) {
			return Long.parseLong(probe.info("memory").getOrDefault("used_memory", "0"));
		}

		/**
		 * Make one call.
		 * @return why it failed, or {@code null} if it got a result
		 */
		private @Nullable String call(URI uri, String key, String value) {
			boolean put = this.method.equals("put");
			String params = put ? "[\"" + key + "\",\"" + value + "\"]" : "[\"" + key + "\"]";
			String body = "{\"jsonrpc\":\"2.0\",\"method\":\"kv." + this.method + "\",\"params\":" + params
					+ ",\"id\":1}";
			HttpRequest.Builder request = HttpRequest.newBuilder(uri)
				.timeout(Duration.ofSeconds(10))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			if (put) {
				request.header("Idempotency-Key", UUID.randomUUID().toString());
			}
			try {
				HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
				String answer = response.body();
				return (response.statusCode() == 200 && answer.contains("\"result\"")) ? null
						: response.statusCode() + " " + abbreviate(answer);
			}
			catch (IOException ex) {
				return ex.toString();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return ex.toString();
			}
		}

	}

	/**
	 * What one phase measured.
	 *
	 * @param method the method
	 * @param threads the client threads
	 * @param calls the calls made
	 * @param failed the calls that got no result
	 * @param firstFailure the first failure, or empty
	 * @param wallNanos the wall time of the phase
	 * @param latencies the latency of each call, sorted
	 * @param redis what went through the proxy
	 * @param commands the commands Redis ran, by name
	 * @param memoryBefore {@code used_memory} before
	 * @param memoryAfter {@code used_memory} after
	 * @param keysBefore {@code DBSIZE} before
	 * @param keysAfter {@code DBSIZE} after
	 */
	private record Result(String method, int threads, int calls, long failed, String firstFailure, long wallNanos,
			long[] latencies, CountingProxy.Counts redis, Map<String, Long> commands, long memoryBefore,
			long memoryAfter, long keysBefore, long keysAfter) {

		double throughput() {
			return this.calls / (this.wallNanos / 1e9);
		}

		long percentile(double fraction) {
			if (this.latencies.length == 0) {
				return 0;
			}
			int index = (int) Math.min(this.latencies.length - 1, Math.ceil(fraction * this.latencies.length) - 1);
			return this.latencies[Math.max(0, index)] / 1000;
		}

		long commandTotal() {
			return sum(this.commands);
		}

	}

	/**
	 * The driver's options.
	 *
	 * @param calls calls per measured phase with all threads
	 * @param threads client threads
	 * @param keys distinct keys
	 * @param singleCalls calls per measured phase with one thread
	 * @param warmup warm-up calls of each method
	 * @param valueSize characters in a put's value
	 * @param proxy whether the node's Redis connections go through the counting proxy
	 * @param appendfsync Redis's {@code appendfsync}
	 * @param nodeArguments Spring arguments for the node
	 */
	private record Options(int calls, int threads, int keys, int singleCalls, int warmup, int valueSize, boolean proxy,
			String appendfsync, List<String> nodeArguments) {

		static Options parse(String[] args) {
			int calls = 20_000;
			int threads = 8;
			int keys = 1000;
			int singleCalls = -1;
			int warmup = 5000;
			int valueSize = 100;
			boolean proxy = true;
			String appendfsync = "always";
			List<String> spring = new ArrayList<>();
			for (String arg : args) {
				String value = arg.substring(arg.indexOf('=') + 1);
				if (arg.startsWith("--calls=")) {
					calls = positive("calls", value);
				}
				else if (arg.startsWith("--threads=")) {
					threads = positive("threads", value);
				}
				else if (arg.startsWith("--keys=")) {
					keys = positive("keys", value);
				}
				else if (arg.startsWith("--single-calls=")) {
					singleCalls = positive("single-calls", value);
				}
				else if (arg.startsWith("--warmup=")) {
					warmup = Integer.parseInt(value);
				}
				else if (arg.startsWith("--value-size=")) {
					valueSize = positive("value-size", value);
				}
				else if (arg.startsWith("--proxy=")) {
					proxy = Boolean.parseBoolean(value);
				}
				else if (arg.startsWith("--appendfsync=")) {
					appendfsync = value;
				}
				else {
					spring.add(arg);
				}
			}
			return new Options(calls, threads, keys, (singleCalls > 0) ? singleCalls : Math.max(1, calls / 4), warmup,
					valueSize, proxy, appendfsync, spring);
		}

		private static int positive(String name, String value) {
			int number = Integer.parseInt(value);
			if (number <= 0) {
				throw new IllegalArgumentException("--" + name + ": " + value + " (expected: > 0)");
			}
			return number;
		}

	}

}
