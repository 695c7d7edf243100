package dev.resilientrpc.ordering;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.protocol.RpcErrorCodes;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants 1 and 2 under concurrency: many client threads on few ordering keys, with
 * responses broken off after the server executed the call (see {@link ResponseDropper}),
 * retries on any instance and hedged first attempts. Afterwards every idempotency key has
 * executed at most once (exactly once for calls that succeeded, never for calls rejected
 * as stale), executions of one key never overlapped and ran in strictly increasing
 * timestamp order, and every account holds exactly the entries of its executions, in that
 * order.
 */
abstract class AbstractOrderingInvariantsTests {

	private static final int THREADS = 8;

	private static final int CALLS_PER_THREAD = 40;

	private static final int ACCOUNTS = 3;

	/**
	 * Return the servers, started.
	 * @return the servers
	 */
	abstract List<ConfigurableApplicationContext> servers();

	/**
	 * Start a server. The properties are passed as command-line arguments, which (unlike
	 * default properties) win over the test's application.properties.
	 * @param properties the properties, {@code name=value}
	 * @return the server
	 */
	static ConfigurableApplicationContext startServer(String... properties) {
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=0", "--resilient-rpc.client.enabled=false", "--spring.main.banner-mode=off"));
		for (String property : properties) {
			arguments.add("--" + property);
		}
		return new SpringApplicationBuilder(OrderingTestServerApplication.class).run(arguments.toArray(String[]::new));
	}

	static URI endpoint(ConfigurableApplicationContext server) {
		return URI.create("http://127.0.0.1:" + TestPorts.portOf(server) + "/rpc");
	}

	@Test
	void everyCallExecutesAtMostOnceAndEachKeyInTimestampOrderDespiteLostResponses() throws Exception {
		List<ConfigurableApplicationContext> servers = servers();
		for (ConfigurableApplicationContext server : servers) {
			server.getBean(ResponseDropper.class).dropAtRandom(0.25);
		}
		String prefix = "acct-" + UUID.randomUUID() + "-";
		RawRpcClient client = new RawRpcClient(servers.stream().map(AbstractOrderingInvariantsTests::endpoint).toList(),
				new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500)), 0.15);
		long started = System.nanoTime();
		List<RawRpcClient.Call> calls = runConcurrently(client, prefix);
		System.out.printf("%d calls in %d ms: %d succeeded, %d stale, %d responses lost, %d retryable errors%n",
				calls.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
				calls.stream().filter(RawRpcClient.Call::succeeded).count(),
				calls.stream().filter((call) -> call.errorCode() == RpcErrorCodes.STALE).count(),
				calls.stream().mapToInt(RawRpcClient.Call::lostResponses).sum(),
				calls.stream().mapToInt(RawRpcClient.Call::retryableErrors).sum());
		for (ConfigurableApplicationContext server : servers) {
			server.getBean(ResponseDropper.class).dropWhen((request) -> false);
		}

		List<LedgerServer.Execution> executions = new ArrayList<>();
		for (ConfigurableApplicationContext server : servers) {
			LedgerServer ledger = server.getBean(LedgerServer.class);
			synchronized (ledger.executions) {
				ledger.executions.stream()
					.filter((execution) -> execution.account().startsWith(prefix))
					.forEach(executions::add);
			}
			assertThat(ledger.overlaps).as("executions of one key that overlapped").hasValue(0);
		}
		executions.sort(Comparator.comparingLong(LedgerServer.Execution::startedNanos));
		Map<String, Long> executionsPerKey = executions.stream()
			.collect(Collectors.groupingBy(LedgerServer.Execution::idempotencyKey, Collectors.counting()));

		// invariant 1
		for (RawRpcClient.Call call : calls) {
			long count = executionsPerKey.getOrDefault(call.idempotencyKey(), 0L);
			if (call.succeeded()) {
				assertThat(count).as("executions of successful call %s", call).isEqualTo(1);
			}
			else if (call.errorCode() == RpcErrorCodes.STALE) {
				assertThat(count).as("executions of stale call %s", call).isZero();
			}
			else {
				assertThat(count).as("executions of failed call %s", call).isLessThanOrEqualTo(1);
			}
		}
		assertThat(executionsPerKey.values()).allMatch((count) -> count == 1);

		// invariant 2, and nothing lost: each account holds its executions' entries in
		// order
		Map<String, List<LedgerServer.Execution>> byAccount = executions.stream()
			.collect(Collectors.groupingBy(LedgerServer.Execution::account, LinkedHashMap::new, Collectors.toList()));
		for (Map.Entry<String, List<LedgerServer.Execution>> account : byAccount.entrySet()) {
			List<Long> timestamps = account.getValue()
				.stream()
				.map((execution) -> Long.parseLong(execution.timestamp()))
				.toList();
			for (int i = 1; i < timestamps.size(); i++) {
				assertThat(timestamps.get(i)).as("timestamp of execution %d of %s", i, account.getKey())
					.isGreaterThan(timestamps.get(i - 1));
			}
			List<String> entries = account.getValue().stream().map(LedgerServer.Execution::argument).toList();
			RawRpcClient.Call last = calls.stream()
				.filter((call) -> call.succeeded() && call.account().equals(account.getKey()))
				.max(Comparator.comparingLong(RawRpcClient.Call::timestamp))
				.orElseThrow();
			assertThat(last.result().toString()).isEqualTo(toJson(entries));
		}

		// the faults really happened
		long lost = calls.stream().mapToInt(RawRpcClient.Call::lostResponses).sum();
		assertThat(lost).as("lost responses").isPositive();
		assertThat(calls.stream().filter(RawRpcClient.Call::succeeded).count()).isGreaterThan(calls.size() / 2);
	}

	@Test
	void callsWithoutTimestampsAreOrderedByArrivalAndNeverRefusedAsStale() throws Exception {
		List<ConfigurableApplicationContext> servers = servers();
		for (ConfigurableApplicationContext server : servers) {
			server.getBean(ResponseDropper.class).dropAtRandom(0.1);
		}
		String prefix = "plain-" + UUID.randomUUID() + "-";
		RawRpcClient client = new RawRpcClient(servers.stream().map(AbstractOrderingInvariantsTests::endpoint).toList(),
				new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500)), 0.15, false);
		List<RawRpcClient.Call> calls = runConcurrently(client, prefix);
		for (ConfigurableApplicationContext server : servers) {
			server.getBean(ResponseDropper.class).dropWhen((request) -> false);
		}
		assertThat(calls).allSatisfy((call) -> assertThat(call.succeeded()).as("%s", call).isTrue());
		List<LedgerServer.Execution> executions = new ArrayList<>();
		for (ConfigurableApplicationContext server : servers) {
			LedgerServer ledger = server.getBean(LedgerServer.class);
			synchronized (ledger.executions) {
				ledger.executions.stream()
					.filter((execution) -> execution.account().startsWith(prefix))
					.forEach(executions::add);
			}
			assertThat(ledger.overlaps).as("executions of one key that overlapped").hasValue(0);
		}
		executions.sort(Comparator.comparingLong(LedgerServer.Execution::startedNanos));
		assertThat(executions.stream().map(LedgerServer.Execution::idempotencyKey))
			.as("every call executed exactly once")
			.containsExactlyInAnyOrderElementsOf(calls.stream().map(RawRpcClient.Call::idempotencyKey).toList());
		// each call's result is the account as it executed it: its entries so far, in the
		// order the calls executed
		Map<String, List<String>> entries = new LinkedHashMap<>();
		Map<String, String> resultOf = calls.stream()
			.collect(Collectors.toMap(RawRpcClient.Call::idempotencyKey, (call) -> String.valueOf(call.result())));
		for (LedgerServer.Execution execution : executions) {
			List<String> account = entries.computeIfAbsent(execution.account(), (key) -> new ArrayList<>());
			account.add(execution.argument());
			assertThat(resultOf.get(execution.idempotencyKey())).isEqualTo(toJson(account));
		}
	}

	private static List<RawRpcClient.Call> runConcurrently(RawRpcClient client, String prefix) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<List<RawRpcClient.Call>>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					start.await();
					List<RawRpcClient.Call> calls = new ArrayList<>();
					for (int i = 0; i < CALLS_PER_THREAD; i++) {
						String account = prefix + ThreadLocalRandom.current().nextInt(ACCOUNTS);
						calls.add(client.append(account, thread + "." + i));
					}
					return calls;
				}));
			}
			start.countDown();
			List<RawRpcClient.Call> calls = new ArrayList<>();
			for (Future<List<RawRpcClient.Call>> future : futures) {
				calls.addAll(future.get(120, TimeUnit.SECONDS));
			}
			return calls;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static String toJson(List<String> entries) {
		return entries.stream().map((entry) -> "\"" + entry + "\"").collect(Collectors.joining(",", "[", "]"));
	}

}
