package dev.resilientrpc.sample.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.sample.client.KvClient;
import dev.resilientrpc.sample.client.KvClientApplication;
import dev.resilientrpc.sample.history.History;
import dev.resilientrpc.sample.history.HistoryChecker;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo: a Redis, three kv nodes as separate processes on free ports, and a client
 * workload; one fault in the middle (by default a {@code kill -9} of a node, which is
 * then restarted with the same arguments), a live progress view, and a report that says
 * what was acknowledged and what was found afterwards.
 */
public final class DemoRunner {

	private static final Pattern CHECKPOINTS = Pattern.compile("\"checkpoints\"\\s*:\\s*(\\d+)");

	private static final Pattern REPLAYED = Pattern.compile("\"replayedCalls\"\\s*:\\s*(\\d+)");

	private final DemoOptions options;

	private final PrintStream out;

	private final boolean interactive;

	private final AtomicReference<String> phase = new AtomicReference<>("starting");

	private long started;

	/**
	 * Create a runner.
	 * @param options the options
	 * @param out where the progress view and report go
	 * @param interactive whether to redraw one progress line (a terminal) instead of
	 * printing a line every few seconds
	 */
	public DemoRunner(DemoOptions options, PrintStream out, boolean interactive) {
		this.options = options;
		this.out = out;
		this.interactive = interactive;
	}

	/**
	 * Run the demo.
	 * @return the report
	 * @throws Exception if the demo cannot run
	 */
	public DemoReport run() throws Exception {
		Path dir = Files.createTempDirectory("resilient-rpc-demo-");
		try (DemoRedis redis = DemoRedis.start(this.options.springArguments(), this.options.embeddedRedis())) {
			this.out.println("Redis: " + redis.host() + ":" + redis.port()
					+ (redis.isEmbedded() ? " (embedded, append-only file synced on every write)" : " (configured)"));
			// scaling out needs a fourth entry in the list: it joins when it starts, as
			// discovery would show it
			int count = (this.options.fault() == DemoOptions.Fault.SCALE_OUT) ? 4 : 3;
			List<Integer> ports = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				ports.add(Ports.free());
			}
			String instances = ports.stream()
				.map((port) -> "http://127.0.0.1:" + port)
				.collect(Collectors.joining(","));
			List<String> nodeArguments = new ArrayList<>(this.options.springArguments());
			nodeArguments.add("--spring.data.redis.host=" + redis.host());
			nodeArguments.add("--spring.data.redis.port=" + redis.port());
			nodeArguments.add("--resilient-rpc.client.services.kv.instances=" + instances);
			List<NodeProcess> nodes = new ArrayList<>();
			for (int i = 0; i < ports.size(); i++) {
				nodes.add(new NodeProcess(this.options.jar(), ports.get(i), nodeArguments,
						dir.resolve("node-" + ports.get(i) + ".log")));
			}
			this.out.println("Starting 3 kv nodes (logs in " + dir + ") ...");
			try {
				List<NodeProcess> first = nodes.subList(0, 3);
				first.forEach(NodeProcess::start);
				for (NodeProcess node : first) {
					node.awaitReady(Duration.ofSeconds(120));
				}
				this.out.println("Nodes ready: " + instances);
				this.out.println("Live dashboard of each node: " + first.stream()
					.map((node) -> node.uri() + "/resilient-rpc/")
					.collect(Collectors.joining("  ")));
				return runWorkload(redis, nodes, instances);
			}
			finally {
				nodes.forEach(NodeProcess::stop);
			}
		}
	}

	private DemoReport runWorkload(DemoRedis redis, List<NodeProcess> nodes, String instances) throws Exception {
		DemoCounters counters = new DemoCounters();
		List<String> clientArguments = new ArrayList<>(this.options.springArguments());
		clientArguments.add("--resilient-rpc.client.services.kv.instances=" + instances);
		try (ConfigurableApplicationContext client = new SpringApplicationBuilder(KvClientApplication.class)
			.web(WebApplicationType.NONE)
			.profiles("client", "demo")
			.initializers((context) -> context.getBeanFactory().registerSingleton("demoCounters", counters))
			.run(clientArguments.toArray(String[]::new))) {
			KvClient kv = client.getBean(KvClient.class);
			Workload workload = new Workload(kv, this.options.keys(), this.options.threads(),
					this.options.pause().toMillis());
			this.started = System.nanoTime();
			Thread progress = new Thread(() -> progress(workload, counters, nodes), "demo-progress");
			progress.setDaemon(true);
			progress.start();
			workload.start();
			phase("load", this.options.warmup());
			NodeProcess victim = nodes.get(this.options.victim());
			switch (this.options.fault()) {
				case KILL_NODE -> {
					this.phase.set("kill -9 node " + victim.port());
					victim.kill();
					phase("node " + victim.port() + " down", this.options.outage());
					this.phase.set("restarting " + victim.port());
					victim.start();
					victim.awaitReady(Duration.ofSeconds(120));
				}
				case RESTART_REDIS -> {
					this.phase.set("Redis stopped");
					redis.stop();
					phase("Redis down", this.options.outage());
					redis.start();
				}
				case FLUSH_REDIS -> {
					redis.flushAll();
					phase("Redis lost its data", this.options.outage());
				}
				case SCALE_OUT -> {
					NodeProcess joining = nodes.get(3);
					this.phase.set("node " + joining.port() + " joins");
					joining.start();
					joining.awaitReady(Duration.ofSeconds(120));
					phase("4 nodes", this.options.outage());
					this.phase.set("node " + victim.port() + " leaves");
					victim.stop();
					phase("3 nodes", this.options.outage());
				}
			}
			phase("recovered", this.options.recovery());
			this.phase.set("stopping load");
			workload.stop();
			this.phase.set("verifying");
			DemoReport report = verify(kv, workload, counters, nodes);
			progress.interrupt();
			progress.join();
			printReport(report, workload);
			return report;
		}
	}

	private void phase(String name, Duration duration) throws InterruptedException {
		this.phase.set(name);
		Thread.sleep(duration.toMillis());
	}

	/**
	 * Read every key back, through the client and from every running node with a plain
	 * call (which the node forwards to the key's holder), and judge the run's history by
	 * what was read: nothing acknowledged may be missing, applied twice, out of order or
	 * seen stale, and every node must give the same value.
	 */
	private DemoReport verify(KvClient kv, Workload workload, DemoCounters counters, List<NodeProcess> nodes) {
		Map<String, List<@Nullable String>> values = new LinkedHashMap<>();
		for (int index = 0; index < workload.keys(); index++) {
			String key = Workload.key(index);
			List<@Nullable String> read = new ArrayList<>();
			read.add(readThroughClient(kv, key));
			for (NodeProcess node : nodes) {
				if (node.isAlive()) {
					read.add(readFromNode(node, key));
				}
			}
			values.put(key, read);
		}
		HistoryChecker checker = new HistoryChecker(workload.history, values);
		List<String> violations = checker.check();
		Map<String, Integer> counts = checker.counts();
		Set<String> spoiled = new HashSet<>();
		for (String violation : violations) {
			spoiled.add(violation.substring(violation.indexOf(" on ") + 4, violation.indexOf(':')));
		}
		int written = 0;
		for (int index = 0; index < workload.keys(); index++) {
			if (workload.history.hasAcknowledgedWrite(Workload.key(index))) {
				written++;
			}
		}
		int wrongReads = counts.getOrDefault("stale-read", 0) + counts.getOrDefault("diverged", 0)
				+ counts.getOrDefault("phantom", 0) + counts.getOrDefault("reordered", 0)
				+ counts.getOrDefault("unchecked", 0);
		return new DemoReport(workload.calls.sum(), workload.history.count(History.Outcome.OK, true), written,
				written - (int) spoiled.stream().filter((key) -> workload.history.hasAcknowledgedWrite(key)).count(),
				counts.getOrDefault("lost", 0), counts.getOrDefault("duplicated", 0), wrongReads,
				workload.failedCalls.sum(), counters.retries.sum(), counters.failovers.sum(),
				violations.subList(0, Math.min(10, violations.size())));
	}

	private static @Nullable String readThroughClient(KvClient kv, String key) {
		RuntimeException failure = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			try {
				String value = kv.get(key);
				return (value != null) ? value : "";
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		return "<client: " + failure + ">";
	}

	private static String readFromNode(NodeProcess node, String key) {
		for (int attempt = 0; attempt < 5 && !Thread.currentThread().isInterrupted(); attempt++) {
			JsonNode result = node.call("get", "[\"" + key + "\"]", Duration.ofSeconds(5));
			if (result != null) {
				return result.isNull() ? "" : result.asString();
			}
			sleep(200);
		}
		return "<node " + node.port() + " did not answer>";
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void progress(Workload workload, DemoCounters counters, List<NodeProcess> nodes) {
		int tick = 0;
		while (!Thread.currentThread().isInterrupted()) {
			try {
				Thread.sleep(1000);
			}
			catch (InterruptedException ex) {
				break;
			}
			tick++;
			String line = progressLine(workload, counters, nodes);
			if (this.interactive) {
				this.out.print("\r\033[2K" + line);
				this.out.flush();
			}
			else if (tick % 3 == 0) {
				this.out.println(line);
			}
		}
		if (this.interactive) {
			this.out.println();
		}
	}

	private String progressLine(Workload workload, DemoCounters counters, List<NodeProcess> nodes) {
		long checkpoints = 0;
		long replayed = 0;
		StringBuilder states = new StringBuilder();
		for (NodeProcess node : nodes) {
			boolean up = node.isAlive() && node.isReady();
			String status = up ? node.actuator("/actuator/resilientrpc") : null;
			states.append(node.port()).append(up ? " up " : " DOWN ");
			if (status != null) {
				checkpoints += sum(CHECKPOINTS, status);
				replayed += sum(REPLAYED, status);
			}
		}
		long seconds = (System.nanoTime() - this.started) / 1_000_000_000L;
		return String.format(Locale.ROOT,
				"%3ds %-22s calls %6d  acked %6d  failed %4d  retries %4d  failovers %4d  stale %3d  shed %4d  checkpoints %3d  replayed %4d | %s",
				seconds, this.phase.get(), workload.calls.sum(), workload.history.count(History.Outcome.OK, true),
				workload.failedCalls.sum(), counters.retries.sum(), counters.failovers.sum(), counters.stale.sum(),
				counters.shed.sum(), checkpoints, replayed, states.toString().trim());
	}

	private static long sum(Pattern pattern, String json) {
		long total = 0;
		Matcher matcher = pattern.matcher(json);
		while (matcher.find()) {
			total += Long.parseLong(matcher.group(1));
		}
		return total;
	}

	private void printReport(DemoReport report, Workload workload) {
		this.out.println();
		this.out.println("Report (" + this.options.fault().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")");
		this.out.printf(Locale.ROOT, "  calls made:                  %d (%d failed after all retries: %s)%n",
				report.calls(), report.failedCalls(),
				workload.failures.entrySet()
					.stream()
					.map((entry) -> entry.getKey() + " " + entry.getValue().sum())
					.collect(Collectors.joining(", ")));
		this.out.printf(Locale.ROOT, "  retries / failovers:         %d / %d%n", report.retries(), report.failovers());
		this.out.printf(Locale.ROOT, "  writes applied twice:        %d%n", report.appliedTwice());
		this.out.printf(Locale.ROOT, "  reads that saw a wrong value: %d%n", report.inconsistentReads());
		if (!report.lost().isEmpty()) {
			this.out.println("  what the checker found, for example:");
			report.lost().forEach((violation) -> this.out.println("    " + violation));
		}
		this.out.printf(Locale.ROOT, "acknowledged writes: %d (the last one of each of %d keys is checked)%n",
				report.acknowledgedWrites(), report.keysWritten());
		this.out.printf(Locale.ROOT, "writes found after recovery: %d of %d keys hold their last acknowledged write%n",
				report.keysFound(), report.keysWritten());
		this.out.printf(Locale.ROOT, "lost writes: %d%n", report.lostWrites());
	}

}
