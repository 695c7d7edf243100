package dev.resilientrpc.slot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.checkpoint.Partition;
import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.slot.client.KvClientApplication;
import dev.resilientrpc.slot.kv.KvApplication;
import dev.resilientrpc.test.net.FaultProxy;
import dev.resilientrpc.test.redis.RedisServerExtension;
import java.util.Objects;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes of a kv service whose state is split into slots, each a real Spring Boot
 * application on loopback HTTP in this JVM, with its own connection to one real Redis
 * through a {@link FaultProxy}, called by a plain JSON-RPC client that sends no
 * {@code Rpc-*} headers unless a test says so. Every test judges the answers the client
 * got, not only the final state.
 */
class SlotClusterTests {

	private static final int SLOTS = 16;

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private static final AtomicInteger PREFIXES = new AtomicInteger();

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private final List<Node> nodes = new ArrayList<>();

	private final String keyPrefix = "slot-test-" + PREFIXES.incrementAndGet();

	/** The members every node's discovery answers with, when a test uses discovery. */
	private final AtomicReference<List<ServiceInstance>> members = new AtomicReference<>(List.of());

	@AfterEach
	void close() {
		for (Node node : this.nodes) {
			node.close();
		}
	}

	@Test
	void everySlotIsHeldOnceAndEveryNodeAnswersForEveryKey() {
		List<Integer> ports = ports(3);
		for (int port : ports) {
			start(port, ports, false);
		}
		awaitSettled(this.nodes);
		Map<String, Integer> heldPerNode = new HashMap<>();
		for (Node node : this.nodes) {
			heldPerNode.put(node.id(), node.held());
		}
		assertThat(heldPerNode.values()).allSatisfy((held) -> assertThat(held).isPositive());
		assertThat(heldPerNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(SLOTS);
		Map<String, String> expected = new HashMap<>();
		for (int i = 0; i < 60; i++) {
			String key = "key-" + i;
			Node through = this.nodes.get(i % this.nodes.size());
			JsonNode answer = call(through, "append", key, "a" + i, null);
			assertThat(answer.has("result")).as("%s through %s: %s", key, through.id(), answer).isTrue();
			expected.put(key, "a" + i);
		}
		for (Node node : this.nodes) {
			expected.forEach(
					(key, value) -> assertThat(read(node, key)).as("%s read from %s", key, node.id()).isEqualTo(value));
		}
	}

	@Test
	void aNodeThatLeavesHandsItsSlotsOnWithTheirStateAndNoCallFails() throws Exception {
		List<Integer> ports = ports(3);
		for (int port : ports) {
			start(port, ports, false);
		}
		awaitSettled(this.nodes);
		Node leaving = this.nodes.get(2);
		List<Node> staying = List.of(this.nodes.get(0), this.nodes.get(1));
		Writers writers = new Writers(staying, 4, 12);
		writers.start();
		writers.awaitAcknowledged(200);
		leaving.close();
		writers.awaitAcknowledged(writers.acknowledged() + 200);
		writers.stop();
		assertThat(writers.failures).isEmpty();
		awaitSettled(staying);
		assertThat(staying.stream().mapToInt(Node::held).sum()).isEqualTo(SLOTS);
		writers.checkAgainst(staying);
	}

	@Test
	void aNodeCutOffFromRedisStopsServingBeforeItsSlotsAreTakenOver() throws Exception {
		List<Integer> ports = ports(3);
		for (int port : ports) {
			start(port, ports, false);
		}
		awaitSettled(this.nodes);
		// the node with the most slots: with 16 slots over three nodes, one may hold none
		Node cutOff = this.nodes.stream().max(Comparator.comparingInt(Node::held)).orElseThrow();
		String key = keyHeldBy(cutOff);
		Writers writers = new Writers(this.nodes, 3, List.of(key));
		writers.start();
		writers.awaitAcknowledged(30);
		cutOff.redis.mode(FaultProxy.Mode.BLACKHOLE);
		List<Node> others = this.nodes.stream().filter((node) -> node != cutOff).toList();
		await().atMost(Duration.ofSeconds(60)).until(() -> others.stream().anyMatch((node) -> node.holds(key)));
		writers.awaitAcknowledged(writers.acknowledged() + 30);
		writers.stop();
		// the cut-off node may have answered -32007 or -32002, never a result that the
		// history of the key does not contain
		writers.checkAgainst(others);
		assertThat(writers.outcomes.keySet()).contains("result");
	}

	@Test
	void redisLosingAllItsDataLosesNoAcknowledgedWrite() throws Exception {
		List<Integer> ports = ports(3);
		for (int port : ports) {
			start(port, ports, false);
		}
		awaitSettled(this.nodes);
		Writers writers = new Writers(this.nodes, 4, 12);
		writers.start();
		writers.awaitAcknowledged(200);
		redis.server().command("FLUSHALL");
		writers.awaitAcknowledged(writers.acknowledged() + 200);
		writers.stop();
		awaitSettled(this.nodes);
		writers.checkAgainst(this.nodes);
	}

	@Test
	void aReplyLostAfterRedisAppliedTheWriteIsResolvedByTheRetry() {
		List<Integer> ports = ports(2);
		for (int port : ports) {
			start(port, ports, false);
		}
		awaitSettled(this.nodes);
		Node node = this.nodes.get(0);
		String key = keyHeldBy(node);
		assertThat(call(node, "append", key, "first", "call-1").has("result")).isTrue();
		node.redis.mode(FaultProxy.Mode.LOSE_REPLIES);
		JsonNode lost = call(node, "append", key, "second", "call-2");
		node.redis.mode(FaultProxy.Mode.PASS);
		if (lost.has("error")) {
			assertThat(lost.at("/error/code").asInt()).as("%s", lost)
				.isIn(RpcErrorCodes.OUTCOME_UNKNOWN, RpcErrorCodes.OVERLOADED);
		}
		JsonNode retried = await().atMost(Duration.ofSeconds(30))
			.until(() -> call(node, "append", key, "second", "call-2"), (answer) -> answer.has("result"));
		assertThat(retried.get("result").asString()).isEqualTo("first,second");
		if (lost.has("result")) {
			assertThat(lost.get("result").asString()).isEqualTo("first,second");
		}
		for (Node reader : this.nodes) {
			assertThat(read(reader, key)).isEqualTo("first,second");
		}
	}

	@Test
	void slotsFollowTheMembersDiscoveryReports() {
		List<Integer> ports = ports(3);
		this.members.set(instances(ports.subList(0, 2)));
		Node first = start(ports.get(0), ports, true);
		Node second = start(ports.get(1), ports, true);
		awaitSettled(List.of(first, second));
		Map<String, String> expected = new HashMap<>();
		for (int i = 0; i < 40; i++) {
			String key = "key-" + i;
			assertThat(call(this.nodes.get(i % 2), "append", key, "v" + i, null).has("result")).isTrue();
			expected.put(key, "v" + i);
		}
		Node third = start(ports.get(2), ports, true);
		this.members.set(instances(ports));
		await().atMost(Duration.ofSeconds(60)).until(() -> third.held() > 0 && settled(this.nodes));
		for (Node node : this.nodes) {
			expected.forEach(
					(key, value) -> assertThat(read(node, key)).as("%s read from %s", key, node.id()).isEqualTo(value));
		}
		this.members.set(instances(ports.subList(1, 3)));
		await().atMost(Duration.ofSeconds(60)).until(() -> first.held() == 0 && settled(List.of(second, third)));
		for (Node node : List.of(second, third)) {
			expected.forEach(
					(key, value) -> assertThat(read(node, key)).as("%s read from %s", key, node.id()).isEqualTo(value));
		}
	}

	@Test
	void aRollingRestartOntoALongerListMovesSlotsWithTheirState() throws Exception {
		List<Integer> ports = ports(4);
		List<Integer> three = ports.subList(0, 3);
		for (int port : three) {
			start(port, three, false);
		}
		awaitSettled(this.nodes);
		ConfigurableApplicationContext client = startClient(ports);
		Writers writers = new Writers(List.copyOf(this.nodes), 2, 12)
			.withProxy(client.getBean(KvClientApplication.KvClient.class), 2);
		writers.start();
		writers.awaitAcknowledged(100);
		Node fourth = start(ports.get(3), ports, false);
		List<Node> restarted = new ArrayList<>(List.of(fourth));
		for (int i = 0; i < 3; i++) {
			Node old = this.nodes.get(i);
			writers.replaceTarget(old, null);
			old.close();
			Node again = start(old.port(), ports, false);
			this.nodes.set(i, again);
			this.nodes.remove(this.nodes.size() - 1);
			restarted.add(again);
			writers.replaceTarget(null, again);
			writers.awaitAcknowledged(writers.acknowledged() + 50);
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> fourth.held() > 0 && settled(restarted));
		writers.awaitAcknowledged(writers.acknowledged() + 50);
		writers.stop();
		client.close();
		writers.checkAgainst(restarted);
	}

	@Test
	void aNodeCutOffAndDroppedByDiscoveryHealsWhenItIsListedAgain() throws Exception {
		List<Integer> ports = ports(3);
		this.members.set(instances(ports));
		for (int port : ports) {
			start(port, ports, true);
		}
		awaitSettled(this.nodes);
		Node lost = this.nodes.get(0);
		List<Node> others = List.of(this.nodes.get(1), this.nodes.get(2));
		int held = lost.held();
		Writers writers = new Writers(others, 4, 12);
		writers.start();
		writers.awaitAcknowledged(100);
		lost.redis.mode(FaultProxy.Mode.BLACKHOLE);
		this.members.set(instances(ports.subList(1, 3)));
		// the others take its slots once its leases ran out, though it still thinks it
		// holds them
		awaitSettled(others);
		writers.awaitAcknowledged(writers.acknowledged() + 100);
		lost.redis.mode(FaultProxy.Mode.PASS);
		this.members.set(instances(ports));
		await().atMost(Duration.ofSeconds(60)).until(() -> lost.held() > 0 && settled(this.nodes));
		writers.awaitAcknowledged(writers.acknowledged() + 100);
		writers.stop();
		assertThat(held).isPositive();
		writers.checkAgainst(this.nodes);
	}

	// ---------------------------------------------------------------- support

	private ConfigurableApplicationContext startClient(List<Integer> ports) {
		return new SpringApplicationBuilder(KvClientApplication.class)
			.properties("spring.main.web-application-type=none", "resilient-rpc.server.enabled=false",
					"resilient-rpc.client.services.kv.instances="
							+ String.join(",", ports.stream().map((p) -> "http://127.0.0.1:" + p).toList()),
					"resilient-rpc.client.services.kv.slots=" + SLOTS,
					"resilient-rpc.client.services.kv.idempotent=true", "resilient-rpc.client.read-timeout=5s",
					"resilient-rpc.retry.policies.default.max-attempts=10",
					"resilient-rpc.retry.policies.default.max-delay=500ms",
					"resilient-rpc.retry.policies.default.timeout=30s", "resilient-rpc.retry.budget.max-tokens=1000",
					"resilient-rpc.retry.budget.token-ratio=1", "logging.level.dev.resilientrpc=warn")
			.run();
	}

	private Node start(int port, List<Integer> ports, boolean discovery) {
		FaultProxy proxy;
		try {
			proxy = new FaultProxy("redis-" + port, redis.server().port());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		List<String> properties = new ArrayList<>(List.of("server.port=" + port, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + proxy.port(), "spring.data.redis.timeout=1s",
				"resilient-rpc.client.enabled=false", "resilient-rpc.redis.key-prefix=" + this.keyPrefix,
				"resilient-rpc.slots.count=" + SLOTS, "resilient-rpc.slots.lease-time=1s",
				"resilient-rpc.slots.lease-refresh=250ms", "resilient-rpc.checkpoint.interval=2s",
				"resilient-rpc.checkpoint.log-timeout=500ms", "resilient-rpc.checkpoint.retry-backoff=50ms",
				"logging.level.dev.resilientrpc=warn"));
		if (!discovery) {
			properties.add("resilient-rpc.client.services.kv.instances="
					+ String.join(",", ports.stream().map((p) -> "http://127.0.0.1:" + p).toList()));
		}
		SpringApplicationBuilder builder = new SpringApplicationBuilder(KvApplication.class)
			.properties(properties.toArray(String[]::new));
		if (discovery) {
			ServiceInstanceSupplier supplier = (service) -> this.members.get();
			builder.initializers((context) -> context.getBeanFactory().registerSingleton("members", supplier));
		}
		Node node = new Node(port, proxy, builder.run());
		this.nodes.add(node);
		return node;
	}

	private static List<Integer> ports(int count) {
		List<Integer> ports = new ArrayList<>();
		while (ports.size() < count) {
			int port = TestPorts.closedPort();
			if (!ports.contains(port)) {
				ports.add(port);
			}
		}
		return ports;
	}

	private static List<ServiceInstance> instances(List<Integer> ports) {
		return ports.stream()
			.map((port) -> new ServiceInstance("kv", URI.create("http://127.0.0.1:" + port + "/rpc")))
			.toList();
	}

	/**
	 * Wait until every slot is held, serving, by exactly one of the nodes, the one all of
	 * them agree should hold it.
	 */
	private static void awaitSettled(List<Node> nodes) {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> settled(nodes));
	}

	private static boolean settled(List<Node> nodes) {
		for (int slot = 0; slot < SLOTS; slot++) {
			int holders = 0;
			String desired = null;
			for (Node node : nodes) {
				SlotTable.SlotStatus status = node.table().getSlots().get(slot);
				if (desired == null) {
					desired = status.desired();
				}
				if (desired == null || !desired.equals(status.desired())) {
					return false;
				}
				if (status.heldHere()) {
					if (status.state() != Partition.State.SERVING || !node.id().equals(desired)) {
						return false;
					}
					holders++;
				}
			}
			if (holders != 1) {
				return false;
			}
		}
		return true;
	}

	// a key of a slot the node serves, once it serves one: a bounded wait, not a loop
	// that spins for ever on a node that holds nothing
	private static String keyHeldBy(Node node) {
		AtomicReference<String> found = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			for (int i = 0; i < 10_000; i++) {
				if (node.holds("key-" + i)) {
					found.set("key-" + i);
					return true;
				}
			}
			return false;
		});
		return found.get();
	}

	private static @Nullable String read(Node node, String key) {
		JsonNode answer = call(node, "get", key, null, null);
		assertThat(answer.has("result")).as("get %s from %s: %s", key, node.id(), answer).isTrue();
		JsonNode result = answer.get("result");
		return result.isNull() ? null : result.asString();
	}

	/**
	 * Call the kv service the way any JSON-RPC client would.
	 */
	private static JsonNode call(Node node, String method, String key, @Nullable String suffix,
			@Nullable String idempotencyKey) {
		List<String> params = (suffix != null) ? List.of(key, suffix) : List.of(key);
		Map<String, Object> request = Map.of("jsonrpc", "2.0", "id", 1, "method", "kv." + method, "params", params);
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(node.uri()))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(request)));
		if (idempotencyKey != null) {
			builder.header(RpcHeaders.IDEMPOTENCY_KEY, idempotencyKey);
		}
		try {
			HttpResponse<byte[]> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
			return MAPPER.readTree(response.body());
		}
		catch (IOException ex) {
			return MAPPER.createObjectNode().put("transport", ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * One node: its context and the proxy its Redis connection goes through.
	 */
	private record Node(int port, FaultProxy redis, ConfigurableApplicationContext context) {

		String uri() {
			return "http://127.0.0.1:" + this.port + "/rpc";
		}

		SlotTable<?> table() {
			return this.context.getBean(SlotTables.class).all().get(0);
		}

		String id() {
			return table().getNodeId();
		}

		int held() {
			return (int) table().getSlots().stream().filter(SlotTable.SlotStatus::heldHere).count();
		}

		boolean holds(String key) {
			SlotTable.SlotStatus status = table().getSlots().get(table().slotOf(key));
			return status.heldHere() && status.state() == Partition.State.SERVING;
		}

		void close() {
			if (this.context.isActive()) {
				this.context.close();
			}
			this.redis.close();
		}

	}

	/**
	 * Threads appending unique suffixes to keys through the given nodes, each call with
	 * an {@code Idempotency-Key} of its own, and retrying a call whose outcome is unknown
	 * with the same key until it has one, as a careful client would. Every answer is
	 * kept: afterwards each key's value must be exactly its acknowledged appends, in the
	 * order their results show, and every result must be a prefix of the final value.
	 */
	private static final class Writers {

		private final List<Node> through;

		private KvClientApplication.@Nullable KvClient proxy;

		private int proxyThreads;

		/**
		 * The suffixes whose append through the proxy failed: they may or may not be in.
		 */
		private final Map<String, List<String>> maybe = new ConcurrentHashMap<>();

		/**
		 * The suffixes whose append failed with an error that promises it did not run.
		 */
		private final Map<String, List<String>> notExecuted = new ConcurrentHashMap<>();

		private final int threads;

		private final List<String> keys;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger acknowledged = new AtomicInteger();

		private final List<Thread> workers = new ArrayList<>();

		/** The result of every acknowledged append, per key. */
		private final Map<String, List<String>> results = new ConcurrentHashMap<>();

		/** The suffixes whose append was acknowledged, per key. */
		private final Map<String, List<String>> appended = new ConcurrentHashMap<>();

		/** The suffixes whose outcome the writers never learned, per key. */
		private final Map<String, List<String>> unresolved = new ConcurrentHashMap<>();

		/** Answers that were neither a result nor a retryable error. */
		private final List<String> failures = new CopyOnWriteArrayList<>();

		/** How many answers of each kind came: "result" or the error code. */
		private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

		Writers(List<Node> through, int threads, int keys) {
			this(through, threads, keyNames(keys));
		}

		Writers(List<Node> through, int threads, List<String> keys) {
			this.through = new CopyOnWriteArrayList<>(through);
			this.threads = threads;
			this.keys = keys;
		}

		private static List<String> keyNames(int count) {
			List<String> names = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				names.add("w-" + i);
			}
			return names;
		}

		/**
		 * Add threads that append through a {@code @ResilientRpc} proxy, which gives each
		 * logical call an idempotency key of its own and retries it by its policy.
		 */
		Writers withProxy(KvClientApplication.KvClient client, int threads) {
			this.proxy = client;
			this.proxyThreads = threads;
			return this;
		}

		/**
		 * Stop sending calls to one node, or start sending them to another.
		 */
		void replaceTarget(@Nullable Node gone, @Nullable Node added) {
			if (gone != null) {
				this.through.remove(gone);
			}
			if (added != null) {
				this.through.add(added);
			}
		}

		void start() {
			for (int t = 0; t < this.threads + this.proxyThreads; t++) {
				int thread = t;
				boolean viaProxy = t >= this.threads;
				Thread worker = new Thread(() -> {
					if (viaProxy) {
						writeThroughProxy(thread);
					}
					else {
						write(thread);
					}
				}, "writer-" + t);
				worker.setDaemon(true);
				this.workers.add(worker);
				worker.start();
			}
		}

		private void writeThroughProxy(int thread) {
			KvClientApplication.KvClient client = Objects.requireNonNull(this.proxy);
			int sequence = 0;
			while (this.running.get()) {
				String key = this.keys.get((thread + sequence) % this.keys.size());
				String suffix = "t" + thread + "s" + sequence;
				sequence++;
				try {
					String result = client.append(key, suffix);
					count("result");
					this.results.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(result);
					this.appended.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(suffix);
					this.acknowledged.incrementAndGet();
				}
				catch (RpcException ex) {
					if (count("proxy " + ex.getClass().getSimpleName()
							+ ((ex instanceof RpcRemoteException remote) ? " " + remote.getCode() : "")) <= 3) {
						System.out.println("proxy call failed for " + key + ": " + ex);
					}
					boolean notExecuted = ex instanceof RpcRemoteException remote
							&& RpcErrorCodes.isNotExecuted(remote.getCode());
					(notExecuted ? this.notExecuted : this.maybe)
						.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>())
						.add(suffix);
				}
			}
		}

		private void write(int thread) {
			int sequence = 0;
			while (this.running.get()) {
				String key = this.keys.get((thread + sequence) % this.keys.size());
				String suffix = "t" + thread + "s" + sequence;
				sequence++;
				appendUntilKnown(sequence, key, suffix);
			}
		}

		private void appendUntilKnown(int sequence, String key, String suffix) {
			String idempotencyKey = "append-" + suffix;
			int attempt = 0;
			while (true) {
				List<Node> targets = List.copyOf(this.through);
				Node target = targets.get((sequence + attempt) % targets.size());
				JsonNode answer = call(target, "append", key, suffix, idempotencyKey);
				if (answer.has("result")) {
					count("result");
					this.results.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>())
						.add(answer.get("result").asString());
					this.appended.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(suffix);
					this.acknowledged.incrementAndGet();
					return;
				}
				int code = answer.at("/error/code").asInt(0);
				String kind = answer.has("transport") ? "transport" : Integer.toString(code);
				if (count(kind) <= 3) {
					System.out.println("answer " + kind + " from " + target.id() + " for " + key + ": " + answer);
				}
				if (!answer.has("transport") && !RpcErrorCodes.isRetryable(code)) {
					this.failures.add(key + " " + suffix + " through " + target.id() + ": " + answer);
					return;
				}
				if (!this.running.get() && attempt > 100) {
					this.unresolved.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(suffix);
					return;
				}
				attempt++;
				sleep(50);
			}
		}

		private int count(String outcome) {
			return this.outcomes.computeIfAbsent(outcome, (o) -> new AtomicInteger()).incrementAndGet();
		}

		int acknowledged() {
			return this.acknowledged.get();
		}

		void awaitAcknowledged(int count) {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> this.acknowledged.get() >= count || !this.failures.isEmpty());
			assertThat(this.failures).isEmpty();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread worker : this.workers) {
				worker.join();
			}
		}

		void checkAgainst(List<Node> readers) {
			System.out.println("answers: " + this.outcomes + ", proxy calls that failed: "
					+ this.maybe.values().stream().mapToInt(List::size).sum());
			assertThat(this.unresolved).as("appends whose outcome never became known").isEmpty();
			for (String key : this.appended.keySet()) {
				List<String> acknowledgedSuffixes = this.appended.get(key);
				for (Node reader : readers) {
					String value = read(reader, key);
					assertThat(value).as("%s read from %s", key, reader.id()).isNotNull();
					List<String> parts = Arrays.asList(value.split(","));
					List<String> maybeIn = this.maybe.getOrDefault(key, List.of());
					assertThat(parts).as("%s: every acknowledged append", key).containsAll(acknowledgedSuffixes);
					List<String> notExecutedHere = this.notExecuted.getOrDefault(key, List.of());
					assertThat(parts).as("%s: nothing but acknowledged appends and failed proxy calls", key)
						.allMatch((part) -> acknowledgedSuffixes.contains(part) || maybeIn.contains(part))
						.doesNotHaveDuplicates()
						.as("%s: no append that was answered as not executed", key)
						.noneMatch(notExecutedHere::contains);
					for (String result : this.results.get(key)) {
						assertThat(value.equals(result) || value.startsWith(result + ","))
							.as("%s: acknowledged result %s is a prefix of the value %s", key, result, value)
							.isTrue();
					}
				}
			}
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
