package dev.resilientrpc.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.benchmarks.overhead.Order;
import dev.resilientrpc.benchmarks.overhead.client.OverheadClient;
import dev.resilientrpc.benchmarks.overhead.client.OverheadClient.OrderClient;
import dev.resilientrpc.benchmarks.overhead.server.OverheadServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * Load driver: per-call latency (p50/p99) and throughput of (a) a plain
 * {@link RestClient} POST to a {@code @RestController} and (b) a {@code @ResilientRpc}
 * proxy calling the JSON-RPC endpoint, doing the same work, on the same server, over
 * loopback, with the same HTTP client. Rounds of (a) and (b) alternate so that both see
 * the same machine. Path (b) runs the whole default pipeline: client timestamp, deadline,
 * bulkhead, retry with budget, ring selection, circuit breaker; on the server the clock
 * check and idempotency records (in memory).
 *
 * <p>
 * {@code benchmarks/run.sh RpcOverhead [--threads=4] [--calls=20000] [--rounds=3]
 * [--clients=jdk,http-components]}
 */
public final class RpcOverhead {

	private RpcOverhead() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Drivers.options(args);
		int threads = Integer.parseInt(options.getOrDefault("threads", "4"));
		int calls = Integer.parseInt(options.getOrDefault("calls", "20000"));
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
		List<String> clients = List.of(options.getOrDefault("clients", "jdk,http-components").split(","));
		Order order = new Order(42, "ACME Corp", List.of("A-1", "B-22", "C-333"), 0);
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(OverheadServer.class)
			.properties("server.port=0", "resilient-rpc.client.enabled=false", "logging.level.root=warn",
					"spring.main.banner-mode=off",
					// one node: idempotency records in memory, not in the Redis that
					// spring-data-redis defaults to
					"resilient-rpc.ordering.store=in-memory")
			.run()) {
			int port = Drivers.port(server);
			String base = "http://127.0.0.1:" + port;
			List<String> table = new ArrayList<>();
			for (String client : clients) {
				try (ConfigurableApplicationContext clientContext = new SpringApplicationBuilder(OverheadClient.class)
					.web(WebApplicationType.NONE)
					.properties("resilient-rpc.server.enabled=false", "logging.level.root=warn",
							"spring.main.banner-mode=off", "spring.http.clients.imperative.factory=" + client,
							"resilient-rpc.client.services.orders.instances=" + base)
					.run()) {
					OrderClient proxy = clientContext.getBean(OrderClient.class);
					RestClient plain = RestClient.builder()
						.baseUrl(base)
						.requestFactory(builder(client).build(HttpClientSettings.defaults()
							.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(10))))
						.build();
					Supplier<Order> rest = () -> plain.post()
						.uri("/plain/price")
						.contentType(MediaType.APPLICATION_JSON)
						.body(order)
						.retrieve()
						.body(Order.class);
					Supplier<Order> rpc = () -> proxy.price(order);
					check(rest.get(), rpc.get());
					run(rest, threads, calls);
					run(rpc, threads, calls);
					Result restResult = new Result();
					Result rpcResult = new Result();
					for (int round = 0; round < rounds; round++) {
						restResult.add(run(rest, threads, calls));
						rpcResult.add(run(rpc, threads, calls));
					}
					table.add(row(client, "(a) RestClient -> @RestController", restResult, null));
					table.add(row(client, "(b) @ResilientRpc proxy -> /rpc", rpcResult, restResult));
				}
			}
			System.out.printf(Locale.ROOT, "%nthreads=%d, calls per round=%d, rounds=%d, cores=%d, java=%s%n", threads,
					calls, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
			System.out.println("| http client | path | calls/s | p50 µs | p99 µs | calls/s vs (a) | p99 vs (a) |");
			System.out.println("|---|---|---:|---:|---:|---:|---:|");
			table.forEach(System.out::println);
		}
	}

	private static ClientHttpRequestFactoryBuilder<?> builder(String client) {
		return switch (client) {
			case "jdk" -> ClientHttpRequestFactoryBuilder.jdk();
			case "http-components" -> ClientHttpRequestFactoryBuilder.httpComponents();
			case "simple" -> ClientHttpRequestFactoryBuilder.simple();
			default -> throw new IllegalArgumentException("Unknown client " + client);
		};
	}

	private static void check(Order rest, Order rpc) {
		if (!rest.equals(rpc) || rest.total() == 0) {
			throw new IllegalStateException("The two paths disagree: " + rest + " vs " + rpc);
		}
	}

	private static String row(String client, String path, Result result, @Nullable Result baseline) {
		String ratios = (baseline != null)
				? String.format(Locale.ROOT, "%.2f | %.2f", result.throughput() / baseline.throughput(),
						(double) result.percentile(0.99) / baseline.percentile(0.99))
				: "1.00 | 1.00";
		return String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %s |", client, path, result.throughput(),
				result.percentile(0.50) / 1000.0, result.percentile(0.99) / 1000.0, ratios);
	}

	private static Round run(Supplier<Order> call, int threads, int calls) throws InterruptedException {
		long[][] latencies = new long[threads][calls / threads];
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			long[] mine = latencies[t];
			Thread worker = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				for (int i = 0; i < mine.length; i++) {
					long begin = System.nanoTime();
					call.get();
					mine[i] = System.nanoTime() - begin;
				}
			});
			worker.start();
			workers.add(worker);
		}
		long begin = System.nanoTime();
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		long elapsed = System.nanoTime() - begin;
		long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
		return new Round(all, elapsed);
	}

	private record Round(long[] latencies, long elapsedNanos) {
	}

	private static final class Result {

		private final List<Round> rounds = new ArrayList<>();

		private long[] sorted = new long[0];

		void add(Round round) {
			this.rounds.add(round);
			this.sorted = this.rounds.stream().flatMapToLong((r) -> Arrays.stream(r.latencies())).sorted().toArray();
		}

		double throughput() {
			long calls = 0;
			long nanos = 0;
			for (Round round : this.rounds) {
				calls += round.latencies().length;
				nanos += round.elapsedNanos();
			}
			return calls / (nanos / 1e9);
		}

		long percentile(double p) {
			return this.sorted[(int) Math.min(this.sorted.length - 1, Math.ceil(p * this.sorted.length) - 1)];
		}

	}

}
