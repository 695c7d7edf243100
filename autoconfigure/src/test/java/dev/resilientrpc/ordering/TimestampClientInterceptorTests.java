package dev.resilientrpc.ordering;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.ordering.client.OrderingTestClientApplication;
import dev.resilientrpc.ordering.client.OrderingTestClientApplication.AttemptRecorder;
import dev.resilientrpc.ordering.client.OrderingTestClientApplication.LedgerClient;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.retry.RetryInterceptor;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The client proxy stamps each logical call once: every retry of it carries the same
 * {@code Rpc-Timestamp} and {@code Idempotency-Key}, so a retry after a lost response is
 * answered from the record instead of running the call again.
 */
class TimestampClientInterceptorTests {

	private static ConfigurableApplicationContext server;

	private static ConfigurableApplicationContext client;

	@BeforeAll
	static void start() {
		server = AbstractOrderingInvariantsTests.startServer();
		client = new SpringApplicationBuilder(OrderingTestClientApplication.class).web(WebApplicationType.NONE)
			.properties("resilient-rpc.client.services.ledger.instances=http://127.0.0.1:" + TestPorts.portOf(server),
					// the server deduplicates by Idempotency-Key: a lost response may be
					// retried
					"resilient-rpc.client.services.ledger.idempotent=true")
			.run();
	}

	@AfterAll
	static void stop() {
		client.close();
		server.close();
	}

	@Test
	void timestampInterceptorRunsOutsideTheRetry() {
		List<ClientInterceptor> interceptors = client.getBean(RpcClient.class).getInterceptors();
		List<Class<?>> order = List.of(TimestampClientInterceptor.class, RetryInterceptor.class,
				InstanceSelector.class);
		List<Integer> positions = order.stream()
			.map((type) -> interceptors.stream()
				.filter(type::isInstance)
				.findFirst()
				.map(interceptors::indexOf)
				.orElse(-1))
			.toList();
		assertThat(positions).doesNotContain(-1).isSorted();
	}

	@Test
	void retryAfterALostResponseReusesTheTimestampAndIsAnsweredFromTheRecord() {
		ResponseDropper dropper = server.getBean(ResponseDropper.class);
		dropper.dropWhen((request) -> "1".equals(request.getHeader(RpcHeaders.ATTEMPT)));
		try {
			String account = "client-" + UUID.randomUUID();
			assertThat(client.getBean(LedgerClient.class).append(account, "x")).containsExactly("x");
			List<Map<String, String>> attempts = dropper.requests.stream()
				.filter((headers) -> account.equals(headers.get(RpcHeaders.ORDERING_KEY)))
				.toList();
			assertThat(attempts).hasSize(2);
			assertThat(attempts).extracting((headers) -> headers.get(RpcHeaders.ATTEMPT)).containsExactly("1", "2");
			assertThat(attempts.get(1).get(RpcHeaders.TIMESTAMP)).isNotNull()
				.isEqualTo(attempts.get(0).get(RpcHeaders.TIMESTAMP));
			assertThat(attempts.get(1).get(RpcHeaders.IDEMPOTENCY_KEY))
				.isEqualTo(attempts.get(0).get(RpcHeaders.IDEMPOTENCY_KEY));
			assertThat(server.getBean(LedgerServer.class).executionsOf(attempts.get(0).get(RpcHeaders.IDEMPOTENCY_KEY)))
				.isOne();
			long timestamp = Long.parseLong(attempts.get(0).get(RpcHeaders.TIMESTAMP));
			assertThat(server.getBean(HybridLogicalClock.class).now()).isGreaterThan(timestamp);
		}
		finally {
			dropper.dropWhen((request) -> false);
		}
	}

	@Test
	void successiveCallsOfOneKeyGetIncreasingTimestampsAndRunInOrder() {
		LedgerClient ledger = client.getBean(LedgerClient.class);
		String account = "client-" + UUID.randomUUID();
		for (int i = 0; i < 20; i++) {
			assertThat(ledger.append(account, Integer.toString(i))).hasSize(i + 1);
		}
		List<Long> timestamps = server.getBean(LedgerServer.class).executions.stream()
			.filter((execution) -> execution.account().equals(account))
			.map((execution) -> Long.parseLong(execution.timestamp()))
			.toList();
		assertThat(timestamps).hasSize(20).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void staleCallIsNotRetried() {
		LedgerClient ledger = client.getBean(LedgerClient.class);
		String account = "client-" + UUID.randomUUID();
		RawRpcClient raw = new RawRpcClient(List.of(), server.getBean(HybridLogicalClock.class), 0);
		long future = server.getBean(HybridLogicalClock.class).now() + (200L << 16);
		raw.send(AbstractOrderingInvariantsTests.endpoint(server),
				"{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":[\"" + account
						+ "\",\"ahead\"],\"id\":1}",
				Map.of(RpcHeaders.ORDERING_KEY, account, RpcHeaders.TIMESTAMP, Long.toString(future)));
		AttemptRecorder retry = client.getBean(AttemptRecorder.class);
		int before = retry.timestampsSeen.size();
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> ledger.append(account, "late"))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(RpcErrorCodes.STALE));
		assertThat(retry.timestampsSeen.size() - before).isOne();
	}

}
