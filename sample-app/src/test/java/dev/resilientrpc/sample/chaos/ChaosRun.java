package dev.resilientrpc.sample.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.sample.chaos.Nemesis.Fault;
import dev.resilientrpc.sample.client.KvClient;
import dev.resilientrpc.sample.client.KvClientApplication;
import dev.resilientrpc.sample.history.History;
import dev.resilientrpc.sample.history.History.Kind;
import dev.resilientrpc.sample.history.History.Outcome;
import dev.resilientrpc.sample.history.HistoryChecker;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One chaos run: a cluster, clients writing and reading under a seeded nemesis, then the
 * faults healed, every key read back, and the history checked.
 */
final class ChaosRun {

	/**
	 * Which clients the run uses; writers and readers take them in turn.
	 */
	enum Client {

		/**
		 * A plain JSON-RPC client that sends Idempotency-Key, Rpc-Timestamp and the key.
		 */
		PLAIN,

		/** A plain JSON-RPC client that sends no Rpc-* header, to any node. */
		BARE,

		/** The {@code @ResilientRpc} proxy with its ring, retries and breakers. */
		PROXY

	}

	/**
	 * What to run.
	 *
	 * @param seed the nemesis' seed
	 * @param duration how long the nemesis injects faults
	 * @param faults the faults it draws from
	 * @param clients the clients
	 * @param replicated whether Redis has a replica and writes wait for it
	 * @param keys how many keys (half appended to, half put)
	 * @param writers writer threads, each owning a share of the keys
	 * @param readers reader threads
	 * @param everyNodeAgrees whether the final value of every key must be read from every
	 * node (plain calls to any node)
	 */
	record Options(long seed, Duration duration, Set<Fault> faults, List<Client> clients, boolean replicated, int keys,
			int writers, int readers, boolean everyNodeAgrees) {

		Options {
			faults = Set.copyOf(faults);
			clients = List.copyOf(clients);
		}

		/**
		 * Return the command that runs these options again.
		 * @return the command
		 */
		String command() {
			return "./mvnw -q -pl sample-app -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
					+ " -Dit.test=ChaosIT#soak -Dchaos.seed=" + this.seed + " -Dchaos.duration="
					+ this.duration.toSeconds() + "s -Dchaos.faults=" + String.join(",", names(this.faults))
					+ " -Dchaos.clients=" + String.join(",", this.clients.stream().map(Enum::name).toList())
					+ " -Dchaos.replicated=" + this.replicated + " -Dchaos.every-node=" + this.everyNodeAgrees;
		}

		private static List<String> names(Set<Fault> faults) {
			List<String> names = new ArrayList<>();
			for (Fault fault : EnumSet.copyOf(faults)) {
				names.add(fault.name());
			}
			return names;
		}

	}

	/**
	 * What a run found.
	 *
	 * @param history the operations
	 * @param faults the faults injected
	 * @param violations what the checker found
	 * @param counts violations by kind
	 * @param report a readable summary
	 */
	record Result(History history, List<String> faults, List<String> violations, Map<String, Integer> counts,
			String report) {

	}

	private static final long PAUSE_MILLIS = 7500;

	private final Options options;

	private final Path sampleJar;

	private final List<String> timeline = new ArrayList<>();

	private final History history = new History();

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong tokens = new AtomicLong();

	private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

	private final long started = System.nanoTime();

	ChaosRun(Options options, Path sampleJar) {
		this.options = options;
		this.sampleJar = sampleJar;
	}

	Result run() throws Exception {
		Path dir = Files.createTempDirectory("resilient-rpc-chaos-");
		log("seed " + this.options.seed() + ", logs in " + dir);
		try (ChaosCluster cluster = new ChaosCluster(dir, this.sampleJar, this.options.replicated(), List.of(),
				this::log)) {
			// a membership change needs a fourth listed node, which joins and leaves
			cluster.start(3, this.options.faults().contains(Fault.MEMBERSHIP) ? 1 : 0);
			List<String> uris = cluster.uris();
			try (ConfigurableApplicationContext proxyContext = this.options.clients().contains(Client.PROXY)
					? proxyClient(uris) : null) {
				KvClient proxy = (proxyContext != null) ? proxyContext.getBean(KvClient.class) : null;
				List<Thread> threads = startClients(uris, proxy);
				Nemesis nemesis = new Nemesis(cluster, this.options.seed(), this.options.faults(), PAUSE_MILLIS,
						this::log);
				Thread.sleep(3000);
				nemesis.run(System.nanoTime() + this.options.duration().toNanos());
				log("nemesis done: " + nemesis.applied());
				this.running.set(false);
				for (Thread thread : threads) {
					thread.join(Duration.ofMinutes(1).toMillis());
					if (thread.isAlive()) {
						throw new IllegalStateException(thread.getName() + " did not stop: " + stack(thread));
					}
				}
				cluster.heal();
				log("healed");
				List<String> running = cluster.running().stream().map((index) -> cluster.member(index).uri()).toList();
				Map<String, List<@Nullable String>> finalValues = readBack(uris, running, proxy);
				// bare clients send no Rpc-Timestamp: their calls are stamped where they
				// arrive
				HistoryChecker checker = new HistoryChecker(this.history, finalValues,
						(op) -> op.client().startsWith(Client.BARE.name().toLowerCase(Locale.ROOT) + "-"));
				List<String> violations = new ArrayList<>(checker.check());
				Map<String, Integer> counts = new LinkedHashMap<>(checker.counts());
				for (String answer : this.unexpected) {
					violations.add("unexpected answer: " + answer);
					counts.merge("unexpected", 1, Integer::sum);
				}
				String report = report(nemesis.applied(), violations, counts);
				return new Result(this.history, nemesis.applied(), violations, counts, report);
			}
		}
	}

	private ConfigurableApplicationContext proxyClient(List<String> uris) {
		return new SpringApplicationBuilder(KvClientApplication.class).web(WebApplicationType.NONE)
			.profiles("client", "demo")
			.run("--resilient-rpc.client.services.kv.instances=" + String.join(",", uris), "--logging.level.root=error",
					"--spring.main.banner-mode=off");
	}

	private List<Thread> startClients(List<String> uris, @Nullable KvClient proxy) {
		List<Thread> threads = new ArrayList<>();
		int keys = this.options.keys();
		List<Client> clients = this.options.clients();
		for (int w = 0; w < this.options.writers(); w++) {
			int writer = w;
			Client client = clients.get(w % clients.size());
			Thread thread = new Thread(() -> write(writer, client, uris, proxy, keys), "chaos-writer-" + w);
			thread.setDaemon(true);
			threads.add(thread);
		}
		for (int r = 0; r < this.options.readers(); r++) {
			int reader = r;
			Client client = clients.get((r + 1) % clients.size());
			Thread thread = new Thread(() -> read(reader, client, uris, proxy, keys), "chaos-reader-" + r);
			thread.setDaemon(true);
			threads.add(thread);
		}
		threads.forEach(Thread::start);
		return threads;
	}

	static String key(int index) {
		return ((index % 2 == 0) ? "a-" : "p-") + index;
	}

	private void write(int writer, Client kind, List<String> uris, @Nullable KvClient proxy, int keys) {
		String name = kind.name().toLowerCase(Locale.ROOT) + "-writer-" + writer;
		PlainKvClient plain = plainClient(kind, uris, this.options.seed() * 31 + writer);
		Random random = new Random(this.options.seed() * 17 + writer);
		List<Integer> owned = new ArrayList<>();
		for (int index = writer; index < keys; index += this.options.writers()) {
			owned.add(index);
		}
		while (this.running.get()) {
			int index = owned.get(random.nextInt(owned.size()));
			String key = key(index);
			Kind op = (index % 2 == 0) ? Kind.APPEND : Kind.PUT;
			String token = "w" + writer + "." + this.tokens.incrementAndGet();
			call(name, kind, plain, proxy, op, key, token);
			pause(random, 5, 25);
		}
	}

	private void read(int reader, Client kind, List<String> uris, @Nullable KvClient proxy, int keys) {
		String name = kind.name().toLowerCase(Locale.ROOT) + "-reader-" + reader;
		PlainKvClient plain = plainClient(kind, uris, this.options.seed() * 37 + reader);
		Random random = new Random(this.options.seed() * 41 + reader);
		while (this.running.get()) {
			call(name, kind, plain, proxy, Kind.GET, key(random.nextInt(keys)), null);
			pause(random, 5, 25);
		}
	}

	private PlainKvClient plainClient(Client kind, List<String> uris, long seed) {
		return new PlainKvClient(uris, (kind == Client.BARE) ? PlainKvClient.Headers.NONE : PlainKvClient.Headers.SENT,
				seed, Duration.ofSeconds(3), Duration.ofSeconds(12));
	}

	private void call(String client, Client kind, PlainKvClient plain, @Nullable KvClient proxy, Kind op, String key,
			@Nullable String token) {
		String method = "kv." + op.name().toLowerCase(Locale.ROOT);
		long invoked = System.nanoTime();
		if (kind == Client.PROXY && proxy != null) {
			try {
				String result = switch (op) {
					case PUT -> proxy.put(key, token);
					case APPEND -> proxy.append(key, token);
					case GET -> proxy.get(key);
				};
				this.history.add(client, op, key, token, invoked, System.nanoTime(), Outcome.OK, result, null, 1);
			}
			catch (RuntimeException ex) {
				// the proxy reports only its last attempt's failure: an earlier one may
				// have run
				this.history.add(client, op, key, token, invoked, System.nanoTime(), Outcome.UNKNOWN, null,
						ex.getClass().getSimpleName() + ": " + ex.getMessage(), 1);
			}
			return;
		}
		PlainKvClient.Result result = plain.call(method, key, token);
		if (result.detail() != null && result.detail().startsWith("unexpected answer")) {
			this.unexpected.add(client + " " + method + " " + key + ": " + result.detail());
		}
		this.history.add(client, op, key, token, invoked, System.nanoTime(), result.outcome(), result.result(),
				result.detail(), result.attempts());
	}

	/**
	 * Read every key back once the faults are healed: through a plain client and the
	 * proxy, and, when every node must agree, from each node with a call that has no
	 * Rpc-* header.
	 */
	private Map<String, List<@Nullable String>> readBack(List<String> uris, List<String> running,
			@Nullable KvClient proxy) {
		Map<String, List<@Nullable String>> values = new LinkedHashMap<>();
		PlainKvClient plain = new PlainKvClient(running, PlainKvClient.Headers.SENT, this.options.seed(),
				Duration.ofSeconds(3), Duration.ofSeconds(60));
		// a cluster that cannot serve a key after healing is a finding, not a reason to
		// hang
		long budget = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		for (int index = 0; index < this.options.keys(); index++) {
			String key = key(index);
			List<@Nullable String> read = new ArrayList<>();
			Duration left = Duration.ofNanos(Math.max(budget - System.nanoTime(), Duration.ofSeconds(5).toNanos()));
			PlainKvClient.Result result = plain.call("kv.get", key, null,
					(left.compareTo(Duration.ofSeconds(60)) < 0) ? left : Duration.ofSeconds(60));
			if (result.outcome() != Outcome.OK) {
				this.unexpected.add("unavailable after healing: kv.get " + key + " " + result);
				continue;
			}
			read.add(result.result());
			if (proxy != null) {
				read.add(proxyRead(proxy, key));
			}
			if (this.options.everyNodeAgrees()) {
				for (String uri : running) {
					PlainKvClient node = new PlainKvClient(List.of(uri), PlainKvClient.Headers.NONE,
							this.options.seed(), Duration.ofSeconds(3), Duration.ofSeconds(30));
					PlainKvClient.Result answer = node.call("kv.get", key, null);
					read.add((answer.outcome() == Outcome.OK) ? answer.result() : "<" + uri + ": " + answer + ">");
				}
			}
			values.put(key, read);
		}
		return values;
	}

	/**
	 * A read through the proxy once the cluster is healed; one that still fails is a node
	 * that keeps a healthy key from its clients, and shows as a diverging final value.
	 */
	private static String proxyRead(KvClient proxy, String key) {
		RuntimeException failure = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			try {
				String value = proxy.get(key);
				return (value != null) ? value : "";
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		return "<proxy: " + failure + ">";
	}

	private String report(List<String> faults, List<String> violations, Map<String, Integer> counts) {
		StringBuilder report = new StringBuilder();
		report.append(String.format(Locale.ROOT,
				"chaos seed %d: %d operations (%d writes acknowledged, %d refused, %d unknown; %d reads acknowledged,"
						+ " %d failed), %d faults: %s%n",
				this.options.seed(), this.history.size(), this.history.count(Outcome.OK, true),
				this.history.count(Outcome.FAILED, true), this.history.count(Outcome.UNKNOWN, true),
				this.history.count(Outcome.OK, false),
				this.history.count(Outcome.FAILED, false) + this.history.count(Outcome.UNKNOWN, false), faults.size(),
				faults));
		report.append("violations: ").append(violations.size()).append(' ').append(counts).append('\n');
		violations.stream().limit(40).forEach((violation) -> report.append("  ").append(violation).append('\n'));
		report.append("timeline:\n");
		this.timeline.forEach((line) -> report.append("  ").append(line).append('\n'));
		report.append("reproduce: ").append(this.options.command()).append('\n');
		return report.toString();
	}

	private synchronized void log(String message) {
		String line = String.format(Locale.ROOT, "%7.2fs %s", (System.nanoTime() - this.started) / 1e9, message);
		this.timeline.add(line);
		System.out.println("[chaos] " + line);
	}

	private void pause(Random random, int min, int max) {
		try {
			Thread.sleep(min + random.nextInt(max - min));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running.set(false);
		}
	}

	private static String stack(Thread thread) {
		StringBuilder stack = new StringBuilder();
		for (StackTraceElement element : thread.getStackTrace()) {
			stack.append("\n\tat ").append(element);
		}
		return stack.toString();
	}

	static Path sampleJar() throws IOException {
		String property = System.getProperty("sample.jar");
		Path jar = (property != null) ? Path.of(property) : Path.of("target", "resilient-rpc-sample-app.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IOException("The sample's jar " + jar.toAbsolutePath() + " is missing: run the package phase");
		}
		return jar;
	}

}
