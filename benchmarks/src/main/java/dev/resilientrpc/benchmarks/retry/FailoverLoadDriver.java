package dev.resilientrpc.benchmarks.retry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.retry.Retry;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.protocol.InterceptorOrder;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Load driver: three JSON-RPC instances on loopback, one of which sheds 30% of requests
 * with {@code -32002} (HTTP 503); then a total outage where all three shed every request.
 * Compares resilient-rpc with its defaults (retry, budget, breakers, bulkhead) against
 * the same client with our resilience switched off and each call wrapped in
 * Resilience4j's {@code Retry} with its defaults (3 attempts, 500ms apart, every
 * exception retried). Both spread attempts over the instances round-robin, standing in
 * for the load balancer.
 *
 * <p>
 * Run:
 * {@code benchmarks/run.sh dev.resilientrpc.benchmarks.retry.FailoverLoadDriver [calls] [threads]}
 */
public final class FailoverLoadDriver {

	private FailoverLoadDriver() {
	}

	public static void main(String[] args) throws Exception {
		// the JDK's HTTP server writes headers and body apart: without this, Nagle's
		// algorithm and
		// delayed ACKs add 40ms to most calls on loopback
		System.setProperty("sun.net.httpserver.nodelay", "true");
		int calls = (args.length > 0) ? Integer.parseInt(args[0]) : 3000;
		int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 8;
		List<Instance> instances = List.of(new Instance(), new Instance(), new Instance());
		String list = String.join(",",
				instances.stream().map((instance) -> "http://127.0.0.1:" + instance.port()).toList());
		System.out.printf(Locale.ROOT, "%d calls per phase on %d threads; instances %s%n", calls, threads, list);
		System.out.printf(Locale.ROOT, "%-34s %-28s %9s %14s %9s %9s  %s%n", "phase", "client", "success",
				"attempts/call", "p50 ms", "p99 ms", "failures");
		try (ConfigurableApplicationContext ours = client(list, true);
				ConfigurableApplicationContext plain = client(list, false)) {
			EchoClient oursClient = ours.getBean(EchoClient.class);
			EchoClient plainClient = plain.getBean(EchoClient.class);
			Retry retry = Retry.ofDefaults("echo");
			// warm both clients and the servers
			run("warm-up", "", instances, 500, threads, oursClient::echo, false);
			run("warm-up", "", instances, 500, threads, plainClient::echo, false);

			run("no failures", "resilient-rpc defaults", instances, calls, threads, oursClient::echo, true);
			run("no failures", "Resilience4j Retry defaults", instances, calls, threads,
					(id) -> retry.executeSupplier(() -> plainClient.echo(id)), true);

			instances.get(2).failureRate = 0.3;
			run("30% failures on 1 of 3 instances", "resilient-rpc defaults", instances, calls, threads,
					oursClient::echo, true);
			run("30% failures on 1 of 3 instances", "Resilience4j Retry defaults", instances, calls, threads,
					(id) -> retry.executeSupplier(() -> plainClient.echo(id)), true);

			instances.forEach((instance) -> instance.failureRate = 1.0);
			run("total outage", "resilient-rpc defaults", instances, calls, threads, oursClient::echo, true);
			run("total outage", "Resilience4j Retry defaults", instances, calls / 10, threads,
					(id) -> retry.executeSupplier(() -> plainClient.echo(id)), true);
		}
		finally {
			instances.forEach(Instance::stop);
		}
	}

	private static ConfigurableApplicationContext client(String instances, boolean resilient) {
		return new SpringApplicationBuilder(DriverClientApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn",
					"resilient-rpc.client.services.echo.instances=" + instances,
					"resilient-rpc.retry.enabled=" + resilient, "resilient-rpc.circuit-breaker.enabled=" + resilient,
					"resilient-rpc.bulkhead.enabled=" + resilient,
					// Resilience4j's default bulkhead admits 25 concurrent calls, more
					// than the driver makes
					"resilient-rpc.client.read-timeout=5s")
			.run();
	}

	private static void run(String phase, String client, List<Instance> instances, int calls, int threads,
			Function<String, String> call, boolean print) throws Exception {
		long requestsBefore = instances.stream().mapToLong((instance) -> instance.requests.get()).sum();
		long[] latencies = new long[calls];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger successes = new AtomicInteger();
		Map<String, AtomicInteger> failures = new ConcurrentSkipListMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				workers.add(pool.submit(() -> {
					for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
						long start = System.nanoTime();
						try {
							call.apply("call-" + i);
							successes.incrementAndGet();
						}
						catch (RuntimeException ex) {
							failures.computeIfAbsent(ex.getClass().getSimpleName(), (key) -> new AtomicInteger())
								.incrementAndGet();
						}
						latencies[i] = System.nanoTime() - start;
					}
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			pool.shutdown();
		}
		long requests = instances.stream().mapToLong((instance) -> instance.requests.get()).sum() - requestsBefore;
		Arrays.sort(latencies);
		if (print) {
			System.out.printf(Locale.ROOT, "%-34s %-28s %8.2f%% %14.3f %9.1f %9.1f  %s%n", phase, client,
					100.0 * successes.get() / calls, (double) requests / calls, latencies[calls / 2] / 1e6,
					latencies[(int) Math.ceil(calls * 0.99) - 1] / 1e6, failures);
		}
	}

	/**
	 * The client of the driver; its package is scanned for {@link EchoClient}.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	public static class DriverClientApplication {

		@Bean
		RoundRobinSelector roundRobinSelector(ServiceInstanceSupplier instances) {
			return new RoundRobinSelector(instances);
		}

	}

	/** The echo service. */
	@ResilientRpc(service = "echo", idempotent = true)
	public interface EchoClient {

		String echo(String value);

	}

	/**
	 * Sends each attempt to the next instance, so that a retry goes to another one.
	 */
	static final class RoundRobinSelector implements InstanceSelector {

		private final ServiceInstanceSupplier instances;

		private final AtomicLong counter = new AtomicLong();

		RoundRobinSelector(ServiceInstanceSupplier instances) {
			this.instances = instances;
		}

		@Override
		public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
			List<ServiceInstance> candidates = this.instances.getInstances(call.getService());
			call.setTarget(candidates.get((int) (this.counter.getAndIncrement() % candidates.size())));
			return chain.proceed(call);
		}

		@Override
		public int getOrder() {
			return InterceptorOrder.Client.INSTANCE_SELECTION;
		}

	}

	/**
	 * A minimal JSON-RPC instance on the JDK's HTTP server that answers {@code echo} and
	 * sheds a given share of requests with {@code -32002}.
	 */
	static final class Instance {

		private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

		private static final Pattern PARAM = Pattern.compile("\"params\"\\s*:\\s*\\[\\s*\"([^\"]*)\"");

		private final HttpServer server;

		private final ExecutorService executor = Executors.newFixedThreadPool(8);

		final AtomicLong requests = new AtomicLong();

		volatile double failureRate;

		Instance() throws IOException {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
			this.server.createContext("/rpc", this::handle);
			this.server.setExecutor(this.executor);
			this.server.start();
		}

		int port() {
			return this.server.getAddress().getPort();
		}

		private void handle(HttpExchange exchange) throws IOException {
			this.requests.incrementAndGet();
			String body;
			try (InputStream in = exchange.getRequestBody()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			Matcher id = ID.matcher(body);
			Matcher param = PARAM.matcher(body);
			String idValue = id.find() ? id.group(1) : "null";
			String answer;
			int status;
			if (ThreadLocalRandom.current().nextDouble() < this.failureRate) {
				status = 503;
				answer = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32002,\"message\":\"Overloaded\",\"data\":{}},\"id\":"
						+ idValue + "}";
			}
			else {
				status = 200;
				answer = "{\"jsonrpc\":\"2.0\",\"result\":\"" + (param.find() ? param.group(1) : "") + "\",\"id\":"
						+ idValue + "}";
			}
			byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}

		void stop() {
			this.server.stop(0);
			this.executor.shutdownNow();
		}

	}

}
