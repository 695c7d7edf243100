package dev.resilientrpc.checkpoint;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.checkpoint.ledger.LedgerApplication;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.test.redis.RedisServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Invariant 3 with a real process: a ledger node runs in a child JVM under write load and
 * is killed with SIGKILL at random moments (during calls, log appends and checkpoints
 * alike), then started again. Writers retry a write whose answer they did not get, with
 * the same idempotency key, until it is acknowledged, so in the end every account must
 * hold exactly the entries written to it, in order: none lost, none applied twice.
 * <p>
 * Each kill comes after a number of further acknowledged writes drawn from the seed, so
 * kills land among calls rather than at moments of the clock. The child runs from a
 * private copy of the test's class directories, so a build that rewrites
 * {@code target/classes} meanwhile cannot break it. Rerun a seed with
 * {@code -Dcrash.seed=N}.
 */
class CheckpointCrashTests {

	private static final int KILLS = 4;

	private static final int WRITERS = 4;

	private static final int ACCOUNTS_PER_WRITER = 3;

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private @Nullable Process process;

	private static @Nullable String classpath;

	@AfterEach
	void killNode() throws InterruptedException {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			current.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void noAcknowledgedWriteIsLostOrAppliedTwiceWhenTheNodeIsKilledAtRandomMoments() throws Exception {
		long seed = Long.getLong("crash.seed", System.nanoTime());
		Random random = new Random(seed);
		int port = freePort();
		Path log = Paths.get("target", "crash-node-" + seed + ".log");
		LedgerClient client = new LedgerClient(port);
		Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger retries = new AtomicInteger();
		AtomicInteger acknowledgedCount = new AtomicInteger();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		startNode(port, log);
		List<Thread> writers = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			int writer = w;
			Thread thread = new Thread(() -> {
				try {
					for (int i = 0; writing.get(); i++) {
						String account = "w" + writer + "-" + (i % ACCOUNTS_PER_WRITER);
						String entry = writer + ":" + i;
						writeUntilAcknowledged(client, account, entry, "key-" + writer + "-" + i, retries);
						acknowledged.computeIfAbsent(account, (key) -> new CopyOnWriteArrayList<>()).add(entry);
						acknowledgedCount.incrementAndGet();
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "writer-" + w);
			thread.start();
			writers.add(thread);
		}
		try {
			for (int kill = 0; kill < KILLS; kill++) {
				awaitReady(client);
				int target = acknowledgedCount.get() + 5 + random.nextInt(60);
				while (acknowledgedCount.get() < target && failures.isEmpty()) {
					Thread.sleep(1);
				}
				killAndRestart(port, log);
			}
			awaitReady(client);
			int target = acknowledgedCount.get() + 20;
			while (acknowledgedCount.get() < target && failures.isEmpty()) {
				Thread.sleep(1);
			}
		}
		finally {
			writing.set(false);
			for (Thread writer : writers) {
				writer.join(TimeUnit.SECONDS.toMillis(30));
			}
		}
		assertThat(writers).as("writers that finished their last write (seed %d)", seed).noneMatch(Thread::isAlive);
		assertThat(failures).as("writer failures (seed %d)", seed).isEmpty();
		int total = acknowledged.values().stream().mapToInt(List::size).sum();
		assertThat(total).as("acknowledged writes (seed %d)", seed).isGreaterThan(KILLS * 10);
		assertThat(retries.get()).as("writes retried across a kill (seed %d)", seed).isPositive();
		assertLedgerEquals(client, acknowledged, seed);
		killAndRestart(port, log);
		awaitReady(client);
		assertLedgerEquals(client, acknowledged, seed);
	}

	private static void writeUntilAcknowledged(LedgerClient client, String account, String entry, String key,
			AtomicInteger retries) throws InterruptedException {
		for (int attempt = 0;; attempt++) {
			if (attempt == 1) {
				retries.incrementAndGet();
			}
			if (attempt > 3000) {
				throw new IllegalStateException("Write " + key + " was never acknowledged");
			}
			try {
				JsonNode response = client.append(account, entry, key);
				if (response.has("result")) {
					return;
				}
				int code = response.get("error").get("code").asInt();
				if (code != RpcErrorCodes.OVERLOADED && code != RpcErrorCodes.DUPLICATE_IN_FLIGHT) {
					throw new IllegalStateException("Write " + key + " failed: " + response);
				}
			}
			catch (IOException ex) {
				// the node is down: retry the same write, with the same key, once it is
				// back
			}
			Thread.sleep(20);
		}
	}

	private static void assertLedgerEquals(LedgerClient client, Map<String, List<String>> acknowledged, long seed)
			throws IOException {
		Map<String, List<String>> stored = new TreeMap<>();
		for (String account : acknowledged.keySet()) {
			stored.put(account, client.entries(account));
		}
		assertThat(stored).as("ledger after kills (seed %d)", seed).isEqualTo(new TreeMap<>(acknowledged));
	}

	private void killAndRestart(int port, Path log) throws Exception {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			assertThat(current.waitFor(10, TimeUnit.SECONDS)).isTrue();
		}
		startNode(port, log);
	}

	private void startNode(int port, Path log) throws IOException {
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
				privateClasspath(), LedgerApplication.class.getName(), "--server.port=" + port,
				"--spring.data.redis.host=" + redis.server().host(),
				"--spring.data.redis.port=" + redis.server().port(), "--spring.data.redis.timeout=2s",
				"--spring.main.banner-mode=off", "--resilient-rpc.client.enabled=false",
				"--resilient-rpc.checkpoint.node-id=crash-node", "--resilient-rpc.checkpoint.interval=150ms",
				"--resilient-rpc.checkpoint.chunk-size=4KB", "--logging.level.root=WARN",
				"--logging.level.dev.resilientrpc=INFO");
		Files.createDirectories(log.toAbsolutePath().getParent());
		File logFile = log.toFile();
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile))
			.start();
	}

	/**
	 * The test's class path with every directory on it (the module's own classes) copied
	 * once to a temporary directory; jars in the Maven repository stay where they are.
	 */
	private static synchronized String privateClasspath() throws IOException {
		String copied = classpath;
		if (copied == null) {
			String original = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
			Path root = Files.createTempDirectory("crash-node-classpath-");
			List<String> entries = new ArrayList<>();
			int index = 0;
			for (String entry : original.split(File.pathSeparator)) {
				Path path = Paths.get(entry);
				if (Files.isDirectory(path)) {
					Path target = root.resolve(Integer.toString(index++));
					copyTree(path, target);
					entries.add(target.toString());
				}
				else {
					entries.add(entry);
				}
			}
			copied = String.join(File.pathSeparator, entries);
			classpath = copied;
		}
		return copied;
	}

	private static void copyTree(Path source, Path target) throws IOException {
		try (Stream<Path> paths = Files.walk(source)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path destination = target.resolve(source.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(destination);
				}
				else {
					Files.copy(path, destination);
				}
			}
		}
	}

	private void awaitReady(LedgerClient client) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			Process current = this.process;
			if (current != null && !current.isAlive()) {
				fail("The node exited with " + current.exitValue() + "; see target/crash-node-*.log");
			}
			try {
				client.entries("ready-probe");
				return;
			}
			catch (IOException ex) {
				Thread.sleep(50);
			}
		}
		fail("The node did not become ready within 60s");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
