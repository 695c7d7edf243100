package dev.resilientrpc.ordering;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stops while ordered traffic runs, with responses broken off after execution, and
 * comes back with its data (append-only file). While it is down ordered and deduplicated
 * calls are shed with -32002 (or run without it on an instance that fails open) and calls
 * without keys go on; afterwards no call has executed twice and each key ran in timestamp
 * order.
 */
class RedisOutageTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create()
		.withArgs("--appendonly", "yes", "--appendfsync", "always");

	private static ConfigurableApplicationContext server;

	private static ConfigurableApplicationContext failOpenServer;

	@BeforeAll
	static void start() {
		String[] properties = { "resilient-rpc.ordering.store=redis", "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redis.server().port(), "spring.data.redis.timeout=250ms",
				"resilient-rpc.ordering.retry-after=0s" };
		server = AbstractOrderingInvariantsTests.startServer(properties);
		List<String> failOpen = new ArrayList<>(List.of(properties));
		failOpen.add("resilient-rpc.ordering.fail-open=true");
		failOpenServer = AbstractOrderingInvariantsTests.startServer(failOpen.toArray(String[]::new));
	}

	@AfterAll
	static void stop() {
		failOpenServer.close();
		server.close();
	}

	@Test
	void noCallExecutesTwiceAcrossAnOutageAndUnorderedCallsGoOn() throws Exception {
		server.getBean(ResponseDropper.class)
			.dropWhen((request) -> request.getHeader(RpcHeaders.IDEMPOTENCY_KEY) != null
					&& ThreadLocalRandom.current().nextDouble() < 0.2);
		URI endpoint = AbstractOrderingInvariantsTests.endpoint(server);
		RawRpcClient client = new RawRpcClient(List.of(endpoint),
				new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500)), 0.1);
		String prefix = "outage-" + UUID.randomUUID() + "-";
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService executor = Executors.newFixedThreadPool(6);
		try {
			List<Future<List<RawRpcClient.Call>>> futures = new ArrayList<>();
			for (int t = 0; t < 6; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					List<RawRpcClient.Call> calls = new ArrayList<>();
					for (int i = 0; running.get() || i < 20; i++) {
						calls.add(client.append(prefix + ThreadLocalRandom.current().nextInt(3), thread + "." + i));
					}
					return calls;
				}));
			}
			awaitExecutions(prefix, 40);
			redis.server().stop();
			int shedBefore = countShed(client, endpoint, prefix);
			RawRpcClient.Answer unordered = client.send(endpoint,
					"{\"jsonrpc\":\"2.0\",\"method\":\"ledger.size\",\"params\":[\"" + prefix + "0\"],\"id\":1}",
					Map.of());
			RawRpcClient.Answer failingOpen = client.send(AbstractOrderingInvariantsTests.endpoint(failOpenServer),
					"{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":[\"open-" + prefix
							+ "\",\"x\"],\"id\":1}",
					Map.of(RpcHeaders.ORDERING_KEY, "open-" + prefix, RpcHeaders.IDEMPOTENCY_KEY,
							UUID.randomUUID().toString()));
			redis.server().start();
			running.set(false);
			List<RawRpcClient.Call> calls = new ArrayList<>();
			for (Future<List<RawRpcClient.Call>> future : futures) {
				calls.addAll(future.get(120, TimeUnit.SECONDS));
			}
			server.getBean(ResponseDropper.class).dropWhen((request) -> false);
			System.out.printf("%d calls: %d succeeded, %d stale, %d responses lost, %d retryable errors%n",
					calls.size(), calls.stream().filter(RawRpcClient.Call::succeeded).count(),
					calls.stream().filter((call) -> call.errorCode() == RpcErrorCodes.STALE).count(),
					calls.stream().mapToInt(RawRpcClient.Call::lostResponses).sum(),
					calls.stream().mapToInt(RawRpcClient.Call::retryableErrors).sum());

			assertThat(shedBefore).as("ordered calls shed while Redis was down").isPositive();
			assertThat(unordered.result()).as("unordered call while Redis was down").isNotNull();
			assertThat(failingOpen.result()).as("ordered call on the fail-open instance").hasToString("[\"x\"]");

			LedgerServer ledger = server.getBean(LedgerServer.class);
			List<LedgerServer.Execution> executions;
			synchronized (ledger.executions) {
				executions = ledger.executions.stream()
					.filter((execution) -> execution.account().startsWith(prefix)
							&& execution.method().equals("append"))
					.toList();
			}
			Map<String, Long> perKey = executions.stream()
				.collect(Collectors.groupingBy(LedgerServer.Execution::idempotencyKey, Collectors.counting()));
			assertThat(perKey.values()).as("executions per idempotency key").allMatch((count) -> count == 1);
			for (RawRpcClient.Call call : calls) {
				long count = perKey.getOrDefault(call.idempotencyKey(), 0L);
				if (call.succeeded()) {
					assertThat(count).as("executions of %s", call).isEqualTo(1);
				}
				else if (call.errorCode() == RpcErrorCodes.STALE) {
					assertThat(count).as("executions of %s", call).isZero();
				}
			}
			Map<String, List<Long>> timestamps = executions.stream()
				.collect(Collectors.groupingBy(LedgerServer.Execution::account,
						Collectors.mapping((execution) -> Long.parseLong(execution.timestamp()), Collectors.toList())));
			timestamps.forEach((account, stamps) -> {
				for (int i = 1; i < stamps.size(); i++) {
					assertThat(stamps.get(i)).as("order of %s", account).isGreaterThan(stamps.get(i - 1));
				}
			});
			assertThat(ledger.overlaps).hasValue(0);
			assertThat(calls.stream().filter((call) -> call.errorCode() == RawRpcClient.GAVE_UP))
				.as("calls never answered")
				.isEmpty();
		}
		finally {
			running.set(false);
			executor.shutdownNow();
		}
	}

	/**
	 * Make ordered calls until one is shed, proving that ordered calls are refused while
	 * Redis is down.
	 */
	private static int countShed(RawRpcClient client, URI endpoint, String prefix) {
		int shed = 0;
		for (int i = 0; i < 20 && shed == 0; i++) {
			RawRpcClient.Answer answer = client.send(endpoint,
					"{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":[\"" + prefix
							+ "probe\",\"p\"],\"id\":1}",
					Map.of(RpcHeaders.ORDERING_KEY, prefix + "probe"));
			if (answer.code() != null && answer.code() == RpcErrorCodes.OVERLOADED) {
				shed++;
			}
		}
		return shed;
	}

	private static void awaitExecutions(String prefix, int count) throws InterruptedException {
		LedgerServer ledger = server.getBean(LedgerServer.class);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			long executed;
			synchronized (ledger.executions) {
				executed = ledger.executions.stream()
					.filter((execution) -> execution.account().startsWith(prefix))
					.count();
			}
			if (executed >= count) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("only " + executed + " executions");
			}
			Thread.sleep(5);
		}
	}

}
