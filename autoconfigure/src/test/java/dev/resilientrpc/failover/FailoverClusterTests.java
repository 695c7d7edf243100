package dev.resilientrpc.failover;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.failover.client.FailoverClientApplication;
import dev.resilientrpc.failover.client.FailoverClientApplication.KvClient;
import dev.resilientrpc.failover.node.FailoverNodeApplication;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 3, second half, with three real nodes on loopback sharing a private Redis:
 * the owner of a third of the keys runs in a child JVM and is killed with SIGKILL
 * ({@code destroyForcibly}) while writers append tokens to every key; its keys fail over
 * to the two nodes running in this JVM, which must serve every write acknowledged before
 * the kill and take new writes; then the owner restarts with the same arguments, and must
 * hold every write, those made during its outage included, and serve its keys again.
 * Tokens make a lost or doubly applied write visible in the value.
 */
class FailoverClusterTests {

	private static final int KEYS = 45;

	private static final int WRITERS = 3;

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private @Nullable Process victim;

	@AfterEach
	void stopAll() throws InterruptedException {
		Process process = this.victim;
		if (process != null) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
	}

	@Test
	void acknowledgedWritesSurviveTheKillOfTheirOwnerAndWritesDuringItsOutageReachIt() throws Exception {
		int[] ports = { freePort(), freePort(), freePort() };
		String instances = Arrays.stream(ports)
			.mapToObj((port) -> "http://127.0.0.1:" + port)
			.reduce((a, b) -> a + "," + b)
			.orElseThrow();
		Path log = Paths.get("target", "failover-victim-" + ports[0] + ".log");
		startVictim(ports[0], instances, log);
		this.contexts.add(startNode(ports[1], instances));
		this.contexts.add(startNode(ports[2], instances));
		awaitReady(ports[0]);
		ConfigurableApplicationContext clientContext = new SpringApplicationBuilder(FailoverClientApplication.class)
			.web(WebApplicationType.NONE)
			.properties("resilient-rpc.client.services.kv.instances=" + instances,
					"resilient-rpc.client.instance-cool-down=300ms", "resilient-rpc.client.read-timeout=5s",
					"spring.main.banner-mode=off", "resilient-rpc.server.enabled=false",
					"resilient-rpc.checkpoint.enabled=false",
					// reads (marked idempotent on KvClient) must outlast the successor's
					// takeover delay
					"resilient-rpc.retry.policies.default.max-attempts=12",
					"resilient-rpc.retry.policies.default.initial-delay=100ms",
					"resilient-rpc.retry.policies.default.max-delay=500ms",
					"resilient-rpc.retry.budget.max-tokens=1000")
			.run();
		this.contexts.add(clientContext);
		KvClient kv = clientContext.getBean(KvClient.class);
		ConsistentHashLoadBalancer balancer = clientContext.getBean(ConsistentHashLoadBalancer.class);
		List<String> keys = new ArrayList<>();
		List<String> victimKeys = new ArrayList<>();
		for (int k = 0; k < KEYS; k++) {
			String key = "key-" + k;
			keys.add(key);
			if (balancer.owner("kv", key).endpoint().getPort() == ports[0]) {
				victimKeys.add(key);
			}
		}
		assertThat(victimKeys).as("keys owned by the node to kill").hasSizeGreaterThan(5);
		for (String key : victimKeys) {
			assertThat(kv.whoami(key)).as("node serving %s before the kill", key).isEqualTo(ports[0]);
		}

		Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
		Map<String, List<String>> unknown = new ConcurrentHashMap<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger written = new AtomicInteger();
		List<Thread> writers = new ArrayList<>();
		for (int w = 0; w < WRITERS; w++) {
			int writer = w;
			Thread thread = new Thread(() -> {
				try {
					for (int round = 0; writing.get() || round < 2; round++) {
						for (int k = writer; k < KEYS; k += WRITERS) {
							String key = keys.get(k);
							String token = "w" + writer + "r" + round;
							try {
								kv.append(key, token);
								acknowledged.computeIfAbsent(key, (any) -> new CopyOnWriteArrayList<>()).add(token);
								written.incrementAndGet();
							}
							catch (RpcException ex) {
								// the outcome is unknown (a call in flight when its node
								// died): applied once or not at all
								unknown.computeIfAbsent(key, (any) -> new CopyOnWriteArrayList<>()).add(token);
							}
						}
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "writer-" + w);
			thread.start();
			writers.add(thread);
		}
		awaitWritten(written, KEYS);
		kill();
		int writtenAtKill = written.get();

		// during the outage: reads of the dead node's keys see what was acknowledged
		// before the kill
		for (String key : victimKeys) {
			List<String> before = List.copyOf(acknowledged.getOrDefault(key, List.of()));
			String value = kv.get(key);
			assertThat(tokens(value)).as("value of %s during the outage", key).containsSubsequence(before);
			assertThat(kv.whoami(key)).as("node serving %s during the outage", key).isNotEqualTo(ports[0]);
		}
		awaitWritten(written, writtenAtKill + KEYS * 2);
		int hintedDuringOutage = hintedWrites();
		assertThat(hintedDuringOutage).as("writes logged to the dead node's log by its successors").isPositive();

		startVictim(ports[0], instances, log);
		awaitReady(ports[0]);
		Thread.sleep(500);
		int writtenAtReturn = written.get();
		awaitWritten(written, writtenAtReturn + KEYS * 2);
		writing.set(false);
		for (Thread writer : writers) {
			writer.join(TimeUnit.SECONDS.toMillis(60));
		}
		assertThat(failures).isEmpty();

		// after the return: the owner serves its keys again and holds every write
		for (String key : victimKeys) {
			assertThat(kv.whoami(key)).as("node serving %s after the return", key).isEqualTo(ports[0]);
		}
		for (String key : keys) {
			List<String> stored = tokens(kv.get(key));
			List<String> acked = acknowledged.getOrDefault(key, List.of());
			List<String> maybe = unknown.getOrDefault(key, List.of());
			assertThat(stored).as("tokens of %s: each applied at most once", key).doesNotHaveDuplicates();
			assertThat(stored).as("tokens of %s: every acknowledged write, in order", key).containsSubsequence(acked);
			List<String> extra = new ArrayList<>(stored);
			extra.removeAll(acked);
			assertThat(maybe).as("tokens of %s: nothing that was not written", key).containsAll(extra);
		}
		Map<String, Object> counts = new LinkedHashMap<>();
		counts.put("acknowledged", acknowledged.values().stream().mapToInt(List::size).sum());
		counts.put("unknown", unknown.values().stream().mapToInt(List::size).sum());
		counts.put("retries", FailoverClientApplication.retries.get());
		counts.put("hinted", hintedWrites());
		System.out.println("Failover run: " + counts);
	}

	private int hintedWrites() {
		int hinted = 0;
		for (ConfigurableApplicationContext context : this.contexts) {
			if (context.getBeanProvider(FailoverServerInterceptor.class).getIfAvailable() != null) {
				hinted += (int) context.getBean(FailoverServerInterceptor.class).getHintedWrites();
			}
		}
		return hinted;
	}

	private static List<String> tokens(@Nullable String value) {
		return (value == null || value.isEmpty()) ? List.of() : List.of(value.split(","));
	}

	private static void awaitWritten(AtomicInteger written, int target) throws InterruptedException {
		// a liveness check, not a speed goal: generous for a busy 2-core machine
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (written.get() < target) {
			assertThat(System.nanoTime()).as("%d writes acknowledged of %d awaited", written.get(), target)
				.isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private static String[] nodeArguments(int port, String instances) {
		return new String[] { "--server.port=" + port, "--spring.data.redis.host=" + redis.server().host(),
				"--spring.data.redis.port=" + redis.server().port(), "--spring.data.redis.timeout=2s",
				"--spring.main.banner-mode=off", "--resilient-rpc.client.enabled=false",
				"--resilient-rpc.client.services.kv.instances=" + instances,
				"--resilient-rpc.checkpoint.interval=500ms", "--resilient-rpc.failover.lease-time=1s",
				"--resilient-rpc.failover.lease-refresh=200ms", "--resilient-rpc.failover.retry-after=100ms",
				"--resilient-rpc.ordering.lock-lease=2s", "--logging.level.root=WARN",
				"--logging.level.dev.resilientrpc=INFO" };
	}

	private static ConfigurableApplicationContext startNode(int port, String instances) {
		return new SpringApplicationBuilder(FailoverNodeApplication.class).run(nodeArguments(port, instances));
	}

	private void startVictim(int port, String instances, Path log) throws IOException {
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-cp", classpath, FailoverNodeApplication.class.getName()));
		command.addAll(List.of(nodeArguments(port, instances)));
		Files.createDirectories(log.toAbsolutePath().getParent());
		File logFile = log.toFile();
		this.victim = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile))
			.start();
	}

	private void kill() throws InterruptedException {
		Process process = this.victim;
		assertThat(process).isNotNull();
		process.destroyForcibly();
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
	}

	private void awaitReady(int port) throws InterruptedException {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/rpc"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"kv.whoami\"," + "\"params\":[\"probe\"]}"))
			.build();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			Process process = this.victim;
			assertThat(process != null && !process.isAlive()).as("the node exited; see target/failover-victim-*.log")
				.isFalse();
			try {
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(100);
		}
		throw new AssertionError("The node on port " + port + " did not become ready within 60s");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
