package dev.resilientrpc.benchmarks.ordering;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.benchmarks.Drivers;
import dev.resilientrpc.benchmarks.ordering.client.BenchClientApplication;
import dev.resilientrpc.client.IdempotencyKeys;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.ordering.ClockServerInterceptor;
import dev.resilientrpc.ordering.HybridLogicalClock;
import dev.resilientrpc.ordering.IdempotencyServerInterceptor;
import dev.resilientrpc.ordering.InMemoryOrderingStore;
import dev.resilientrpc.ordering.OrderingListener;
import dev.resilientrpc.ordering.OrderingOptions;
import dev.resilientrpc.ordering.OrderingServerInterceptor;
import dev.resilientrpc.ordering.OrderingStore;
import dev.resilientrpc.ordering.RedisOrderingStore;
import dev.resilientrpc.ordering.StalePolicies;
import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerInterceptor;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Load driver: the per-call cost of timestamp ordering plus idempotency (Redis store and
 * in-memory store) beside the same call without them, on one hot key and on many keys,
 * from many client threads. Prints throughput, p50 and p99 latency, the share of stale
 * rejections and, for Redis, the Redis round trips per call.
 *
 * <p>
 * Two transports: {@code inprocess} calls {@link JsonRpcServer#handle} directly, which
 * isolates the cost of the interceptors; {@code http} makes real calls through a client
 * proxy to a Boot server on loopback, both in this JVM.
 *
 * <pre>
 * benchmarks/run.sh dev.resilientrpc.benchmarks.ordering.OrderingOverhead \
 *     [--transports=inprocess,http] [--stores=none,in-memory,redis] [--keys=1,10000] \
 *     [--threads=16] [--warmup=2] [--seconds=5] [--reorder-window=0] [--redis-port=N] [--deadline=ms]
 * </pre> Without {@code --redis-port} a private {@code redis-server} (from the PATH) is
 * started on a free port and stopped at the end. {@code --deadline} gives the client's
 * calls a total deadline (their {@code Rpc-Timeout}); after the http runs on Redis, the
 * idempotency records left are counted, with the memory and time to live of a sample.
 */
public final class OrderingOverhead {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final int MAX_SAMPLES_PER_THREAD = 1 << 21;

	private static Duration window = Duration.ZERO;

	private static @Nullable Duration deadline;

	private static final List<String> footprints = new ArrayList<>();

	private static final RedisScript<Long> MEMORY_USAGE = RedisScript
		.of("return redis.call('MEMORY', 'USAGE', KEYS[1])", Long.class);

	private OrderingOverhead() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Drivers.options(args);
		List<String> transports = List.of(options.getOrDefault("transports", "inprocess,http").split(","));
		List<String> stores = List.of(options.getOrDefault("stores", "none,in-memory,redis").split(","));
		List<Integer> keyCounts = Arrays.stream(options.getOrDefault("keys", "1,10000").split(","))
			.map(Integer::parseInt)
			.toList();
		int threads = Integer.parseInt(options.getOrDefault("threads", "16"));
		Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "2")));
		Duration measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "5")));
		window = Duration.ofMillis(Long.parseLong(options.getOrDefault("reorder-window", "0")));
		deadline = options.containsKey("deadline") ? Duration.ofMillis(Long.parseLong(options.get("deadline"))) : null;
		RedisServer redis = null;
		if (stores.contains("redis")) {
			redis = options.containsKey("redis-port")
					? RedisServer.external(Integer.parseInt(options.get("redis-port"))) : RedisServer.start();
		}
		System.out.printf(
				"OrderingOverhead: %d client threads, %d s warm-up, %d s measured, reorder window %d ms, %d cores, Java %s%n",
				threads, warmup.toSeconds(), measure.toSeconds(), window.toMillis(),
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
		System.out.printf("%-10s %-10s %6s %10s %9s %9s %7s %8s %9s%n", "transport", "store", "keys", "calls/s",
				"p50 us", "p99 us", "stale", "redis rt", "vs none");
		try {
			for (String transport : transports) {
				for (int keys : keyCounts) {
					double baseline = 0;
					for (String store : stores) {
						Result result = "http".equals(transport) ? http(store, keys, threads, warmup, measure, redis)
								: inProcess(store, keys, threads, warmup, measure, redis);
						if ("none".equals(store)) {
							baseline = result.throughput();
						}
						System.out.printf("%-10s %-10s %6d %10.0f %9.1f %9.1f %6.1f%% %8s %9s%n", transport, store,
								keys, result.throughput(), result.p50Micros(), result.p99Micros(),
								result.stalePercent(),
								(result.redisRoundTrips() >= 0) ? String.format("%.2f", result.redisRoundTrips()) : "-",
								(baseline > 0) ? String.format("%.0f%%", 100 * result.throughput() / baseline) : "-");
						if (result.errors() > 0) {
							System.out.printf("    %d calls failed otherwise, e.g. %s%n", result.errors(),
									result.sampleError());
						}
					}
				}
			}
		}
		finally {
			if (redis != null) {
				redis.close();
			}
		}
		if (!footprints.isEmpty()) {
			System.out.printf("Redis after the http runs (client deadline %s):%n",
					(deadline != null) ? deadline.toMillis() + " ms" : "none");
			footprints.forEach((line) -> System.out.println("  " + line));
		}
	}

	private static Result inProcess(String store, int keys, int threads, Duration warmup, Duration measure,
			@Nullable RedisServer redis) throws Exception {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("benchKvServer", new BenchKvServer()));
		HybridLogicalClock serverClock = new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500));
		HybridLogicalClock clientClock = new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500));
		LettuceConnectionFactory connectionFactory = null;
		List<ServerInterceptor> interceptors = new ArrayList<>();
		StringRedisTemplate template = null;
		if (!"none".equals(store)) {
			OrderingStore orderingStore;
			if ("redis".equals(store)) {
				connectionFactory = redisConnectionFactory(requireRedis(redis));
				template = new StringRedisTemplate(connectionFactory);
				connectionFactory.getConnection().serverCommands().flushAll();
				orderingStore = new RedisOrderingStore(template, "bench:", Duration.ofHours(24), Duration.ofHours(24),
						Duration.ofSeconds(30));
			}
			else {
				orderingStore = new InMemoryOrderingStore(Clock.systemUTC(), Duration.ofHours(24), Duration.ofHours(24),
						100_000);
			}
			interceptors.add(new ClockServerInterceptor(serverClock, OrderingListener.NONE));
			interceptors.add(new IdempotencyServerInterceptor(orderingStore, mapper, OrderingOptions.defaults(),
					OrderingListener.NONE, true));
			interceptors.add(new OrderingServerInterceptor(serverClock, orderingStore, mapper,
					new StalePolicies(StalePolicy.REJECT, Map.of()),
					OrderingOptions.defaults().withReorderWindow(window), OrderingListener.NONE));
		}
		JsonRpcServer server = new JsonRpcServer(registry, mapper, interceptors, 64, 100);
		String[] keyNames = keyNames(keys);
		try {
			RedisCounter counter = new RedisCounter(template);
			return load(threads, warmup, measure, counter, () -> {
				String key = keyNames[(keys == 1) ? 0 : ThreadLocalRandom.current().nextInt(keys)];
				String idempotencyKey = IdempotencyKeys.next();
				String timestamp = Long.toString(clientClock.now());
				Function<String, @Nullable String> headers = (name) -> switch (name) {
					case RpcHeaders.IDEMPOTENCY_KEY -> idempotencyKey;
					case RpcHeaders.TIMESTAMP -> timestamp;
					case RpcHeaders.ORDERING_KEY -> key;
					default -> null;
				};
				byte[] body = ("{\"jsonrpc\":\"2.0\",\"method\":\"kv.put\",\"params\":[\"" + key
						+ "\",\"v\"],\"id\":1}")
					.getBytes(StandardCharsets.UTF_8);
				JsonRpcServer.Response response = server.handle(body, body.length, headers);
				byte[] answer = response.body();
				if (answer == null || !new String(answer, StandardCharsets.UTF_8).contains("\"error\"")) {
					return 0;
				}
				return mapper.readTree(answer).path("error").path("code").asInt();
			});
		}
		finally {
			if (connectionFactory != null) {
				connectionFactory.destroy();
			}
		}
	}

	private static Result http(String store, int keys, int threads, Duration warmup, Duration measure,
			@Nullable RedisServer redis) throws Exception {
		List<String> serverArguments = new ArrayList<>(
				List.of("--server.port=0", "--resilient-rpc.client.enabled=false", "--spring.main.banner-mode=off",
						"--logging.level.root=warn", "--server.tomcat.threads.max=64",
						"--resilient-rpc.ordering.reorder-window=" + window.toMillis() + "ms"));
		LettuceConnectionFactory connectionFactory = null;
		StringRedisTemplate template = null;
		switch (store) {
			case "none" -> serverArguments.add("--resilient-rpc.ordering.enabled=false");
			case "in-memory" -> serverArguments.add("--resilient-rpc.ordering.store=in-memory");
			case "redis" -> {
				RedisServer running = requireRedis(redis);
				serverArguments.add("--resilient-rpc.ordering.store=redis");
				serverArguments.add("--spring.data.redis.port=" + running.port());
				connectionFactory = redisConnectionFactory(running);
				template = new StringRedisTemplate(connectionFactory);
				connectionFactory.getConnection().serverCommands().flushAll();
			}
			default -> throw new IllegalArgumentException("Unknown store '" + store + "'");
		}
		ConfigurableApplicationContext server = new SpringApplicationBuilder(BenchServerApplication.class)
			.run(serverArguments.toArray(String[]::new));
		int port = Drivers.port(server);
		List<String> clientArguments = new ArrayList<>(
				List.of("--resilient-rpc.client.services.kv.instances=http://127.0.0.1:" + port,
						"--resilient-rpc.client.read-timeout=30s", "--spring.main.banner-mode=off",
						"--logging.level.root=warn", "--resilient-rpc.ordering.store=in-memory"));
		if (deadline != null) {
			clientArguments.add("--resilient-rpc.retry.policies.default.timeout=" + deadline.toMillis() + "ms");
		}
		ConfigurableApplicationContext client = new SpringApplicationBuilder(BenchClientApplication.class)
			.web(WebApplicationType.NONE)
			.run(clientArguments.toArray(String[]::new));
		BenchClientApplication.BenchKvClient kv = client.getBean(BenchClientApplication.BenchKvClient.class);
		String[] keyNames = keyNames(keys);
		try {
			Result result = load(threads, warmup, measure, new RedisCounter(template), () -> {
				String key = keyNames[(keys == 1) ? 0 : ThreadLocalRandom.current().nextInt(keys)];
				try {
					kv.put(key, "v");
					return 0;
				}
				catch (RpcRemoteException ex) {
					return ex.getCode();
				}
			});
			if (template != null) {
				footprints.add(footprint(template, keys));
			}
			return result;
		}
		finally {
			client.close();
			server.close();
			if (connectionFactory != null) {
				connectionFactory.destroy();
			}
		}
	}

	/**
	 * What the ordered calls left in Redis: their idempotency records (one per call), how
	 * much memory one takes ({@code MEMORY USAGE} of a sample) and how long it is kept
	 * ({@code PTTL} of the same sample), beside the ordering keys' watermarks.
	 */
	private static String footprint(StringRedisTemplate template, int keys) {
		long records = 0;
		long sampledBytes = 0;
		long sampledTtl = 0;
		int sampled = 0;
		try (Cursor<String> cursor = template.scan(ScanOptions.scanOptions().match("*:idem*").count(1000).build())) {
			while (cursor.hasNext()) {
				String record = cursor.next();
				records++;
				if (sampled < 200) {
					Long bytes = template.execute(MEMORY_USAGE, List.of(record));
					Long ttl = template.getExpire(record, TimeUnit.MILLISECONDS);
					if (bytes != null && ttl != null && ttl > 0) {
						sampledBytes += bytes;
						sampledTtl += ttl;
						sampled++;
					}
				}
			}
		}
		Long all = template.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().dbSize());
		return String.format("%6d keys: %d idempotency records (%d other keys), %s B each, kept %s s each", keys,
				records, (all != null) ? all - records : -1,
				(sampled > 0) ? Long.toString(sampledBytes / sampled) : "-",
				(sampled > 0) ? String.format("%.0f", sampledTtl / 1000.0 / sampled) : "-");
	}

	private static String[] keyNames(int keys) {
		String[] names = new String[keys];
		for (int i = 0; i < keys; i++) {
			names[i] = "key-" + i;
		}
		return names;
	}

	private static RedisServer requireRedis(@Nullable RedisServer redis) {
		if (redis == null) {
			throw new IllegalStateException("No Redis server");
		}
		return redis;
	}

	private static LettuceConnectionFactory redisConnectionFactory(RedisServer redis) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Run calls from many threads: a warm-up, then a measured period.
	 * @param call one call; returns 0 or the JSON-RPC error code
	 */
	private static Result load(int threads, Duration warmup, Duration measure, RedisCounter redis, Call call)
			throws Exception {
		AtomicInteger phase = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(threads);
		long[][] samples = new long[threads][];
		int[] counts = new int[threads];
		long[] stale = new long[threads];
		long[] errors = new long[threads];
		String[] sampleError = new String[1];
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				long[] latencies = new long[MAX_SAMPLES_PER_THREAD];
				int count = 0;
				try {
					int current;
					while ((current = phase.get()) < 2) {
						long start = System.nanoTime();
						int code;
						try {
							code = call.run();
						}
						catch (Exception ex) {
							code = Integer.MIN_VALUE;
							sampleError[0] = String.valueOf(ex);
						}
						long elapsed = System.nanoTime() - start;
						if (current == 1) {
							latencies[count % MAX_SAMPLES_PER_THREAD] = elapsed;
							count++;
							if (code == RpcErrorCodes.STALE) {
								stale[thread]++;
							}
							else if (code != 0) {
								errors[thread]++;
								if (code != Integer.MIN_VALUE) {
									sampleError[0] = "error " + code;
								}
							}
						}
					}
				}
				finally {
					samples[thread] = latencies;
					counts[thread] = count;
					done.countDown();
				}
			}, "load-" + t);
			worker.setDaemon(true);
			worker.start();
		}
		Thread.sleep(warmup.toMillis());
		long before = redis.scriptCalls();
		long start = System.nanoTime();
		phase.set(1);
		Thread.sleep(measure.toMillis());
		phase.set(2);
		long elapsed = System.nanoTime() - start;
		done.await(60, TimeUnit.SECONDS);
		long after = redis.scriptCalls();
		long total = 0;
		for (int count : counts) {
			total += count;
		}
		long[] all = new long[(int) Math.min(total, (long) threads * MAX_SAMPLES_PER_THREAD)];
		int position = 0;
		for (int t = 0; t < threads; t++) {
			int n = Math.min(counts[t], MAX_SAMPLES_PER_THREAD);
			System.arraycopy(samples[t], 0, all, position, n);
			position += n;
		}
		Arrays.sort(all);
		long staleCalls = Arrays.stream(stale).sum();
		// calls that completed after the measured period ended are counted; they were
		// started in it
		return new Result(total / (elapsed / 1e9), percentile(all, 0.50) / 1e3, percentile(all, 0.99) / 1e3,
				(total > 0) ? 100.0 * staleCalls / total : 0, Arrays.stream(errors).sum(), sampleError[0],
				(before >= 0 && total > 0) ? (double) (after - before) / total : -1);
	}

	private static double percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return 0;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
	}

	@FunctionalInterface
	private interface Call {

		int run() throws Exception;

	}

	private record Result(double throughput, double p50Micros, double p99Micros, double stalePercent, long errors,
			@Nullable String sampleError, double redisRoundTrips) {
	}

	/**
	 * Counts script calls (EVALSHA and EVAL) on the Redis server, each one round trip.
	 */
	private static final class RedisCounter {

		private final @Nullable StringRedisTemplate template;

		RedisCounter(@Nullable StringRedisTemplate template) {
			this.template = template;
		}

		long scriptCalls() {
			if (this.template == null) {
				return -1;
			}
			Properties stats = this.template
				.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands().info("commandstats"));
			return calls(stats, "cmdstat_evalsha") + calls(stats, "cmdstat_eval");
		}

		private static long calls(@Nullable Properties stats, String command) {
			String value = (stats != null) ? stats.getProperty(command) : null;
			if (value == null) {
				return 0;
			}
			for (String part : value.split(",")) {
				if (part.startsWith("calls=")) {
					return Long.parseLong(part.substring(6));
				}
			}
			return 0;
		}

	}

	/**
	 * A {@code redis-server} for the benchmark: started here, or already running.
	 */
	private static final class RedisServer implements AutoCloseable {

		private final int port;

		private final @Nullable Process process;

		private RedisServer(int port, @Nullable Process process) {
			this.port = port;
			this.process = process;
		}

		static RedisServer external(int port) {
			return new RedisServer(port, null);
		}

		static RedisServer start() throws IOException, InterruptedException {
			int port;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = socket.getLocalPort();
			}
			Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			RedisServer server = new RedisServer(port, process);
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!server.ping()) {
				if (System.nanoTime() > deadline || !process.isAlive()) {
					process.destroyForcibly();
					throw new IllegalStateException("redis-server did not start on port " + port);
				}
				Thread.sleep(20);
			}
			return server;
		}

		int port() {
			return this.port;
		}

		private boolean ping() {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
				OutputStream out = socket.getOutputStream();
				out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				InputStream in = socket.getInputStream();
				byte[] reply = new byte[7];
				return in.read(reply) > 0 && reply[0] == '+';
			}
			catch (IOException ex) {
				return false;
			}
		}

		@Override
		public void close() throws InterruptedException {
			if (this.process != null) {
				this.process.destroy();
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
		}

	}

}
