package dev.resilientrpc.ordering;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invariants on two server instances sharing a private Redis: retries and hedges land
 * on either instance, which is what a failover does to a key. Also: an instance that
 * takes over a key sees the first one's high-water mark and records.
 */
class RedisOrderingInvariantsTests extends AbstractOrderingInvariantsTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void start() {
		String[] properties = { "resilient-rpc.ordering.store=redis", "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redis.server().port(), "spring.data.redis.timeout=2s" };
		first = startServer(properties);
		second = startServer(properties);
	}

	@AfterAll
	static void stop() {
		second.close();
		first.close();
	}

	@Override
	List<ConfigurableApplicationContext> servers() {
		return List.of(first, second);
	}

	@Test
	void serversUseTheRedisStore() {
		assertThat(first.getBean(OrderingStore.class)).isInstanceOf(RedisOrderingStore.class);
	}

	@Test
	void instanceTakingOverAKeyReplaysTheFirstInstancesOutcomeAndKnowsItsHighWaterMark() {
		RawRpcClient client = new RawRpcClient(List.of(),
				new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500)), 0);
		String account = "failover-" + UUID.randomUUID();
		HybridLogicalClock clock = new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500));
		long older = clock.now();
		long timestamp = clock.now();
		Map<String, String> call = Map.of(RpcHeaders.IDEMPOTENCY_KEY, UUID.randomUUID().toString(),
				RpcHeaders.TIMESTAMP, Long.toString(timestamp), RpcHeaders.ORDERING_KEY, account);
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":[\"" + account
				+ "\",\"x\"],\"id\":1}";
		URI firstEndpoint = endpoint(first);
		URI secondEndpoint = endpoint(second);

		assertThat(client.send(firstEndpoint, body, call).result()).hasToString("[\"x\"]");
		assertThat(second.getBean(OrderingStore.class).findHighWaterMark(account)).hasValue(timestamp);
		RawRpcClient.Answer retryOnSecond = client.send(secondEndpoint, body, call);
		assertThat(retryOnSecond.result()).hasToString("[\"x\"]");

		Map<String, String> stale = Map.of(RpcHeaders.IDEMPOTENCY_KEY, UUID.randomUUID().toString(),
				RpcHeaders.TIMESTAMP, Long.toString(older), RpcHeaders.ORDERING_KEY, account);
		assertThat(client.send(secondEndpoint, body.replace("\"x\"", "\"old\""), stale).code())
			.isEqualTo(RpcErrorCodes.STALE);
		Map<String, String> reused = Map.of(RpcHeaders.IDEMPOTENCY_KEY, call.get(RpcHeaders.IDEMPOTENCY_KEY),
				RpcHeaders.TIMESTAMP, Long.toString(timestamp), RpcHeaders.ORDERING_KEY, account);
		assertThat(client.send(secondEndpoint, body.replace("\"x\"", "\"y\""), reused).code())
			.isEqualTo(RpcErrorCodes.IDEMPOTENCY_KEY_REUSED);

		assertThat(first.getBean(LedgerServer.class).executionsOf(call.get(RpcHeaders.IDEMPOTENCY_KEY))
				+ second.getBean(LedgerServer.class).executionsOf(call.get(RpcHeaders.IDEMPOTENCY_KEY)))
			.isEqualTo(1);
	}

	@Test
	void callInFlightOnOneInstanceIsADuplicateOnTheOther() throws Exception {
		RawRpcClient client = new RawRpcClient(List.of(),
				new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500)), 0);
		String account = "in-flight-" + UUID.randomUUID();
		String gate = "gate-" + UUID.randomUUID();
		Map<String, String> call = Map.of(RpcHeaders.IDEMPOTENCY_KEY, UUID.randomUUID().toString(),
				RpcHeaders.ORDERING_KEY, account);
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"ledger.block\",\"params\":[\"" + account + "\",\"" + gate
				+ "\"],\"id\":1}";
		LedgerServer firstLedger = first.getBean(LedgerServer.class);
		java.util.concurrent.CompletableFuture<RawRpcClient.Answer> running = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> client.send(endpoint(first), body, call));
		firstLedger.awaitBlocked(gate);
		assertThat(client.send(endpoint(second), body, call).code()).isEqualTo(RpcErrorCodes.DUPLICATE_IN_FLIGHT);
		String otherCallOfTheKey = "{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":[\"" + account
				+ "\",\"z\"],\"id\":1}";
		RawRpcClient.Answer busy = client.send(endpoint(second), otherCallOfTheKey,
				Map.of(RpcHeaders.ORDERING_KEY, account));
		assertThat(busy.code()).isEqualTo(RpcErrorCodes.OVERLOADED);
		firstLedger.open(gate);
		assertThat(running.get().result().asString()).isEqualTo(gate);
		assertThat(client.send(endpoint(second), body, call).result().asString()).isEqualTo(gate);
	}

	@Test
	void aCallersDeadlineBoundsHowLongItsRecordIsKept() {
		RawRpcClient client = new RawRpcClient(List.of(),
				new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500)), 0);
		RedisOrderingStore store = (RedisOrderingStore) first.getBean(OrderingStore.class);
		StringRedisTemplate redisTemplate = new StringRedisTemplate(first.getBean(RedisConnectionFactory.class));
		String account = "deadline-" + UUID.randomUUID();
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":[\"" + account
				+ "\",\"x\"],\"id\":1}";
		String withDeadline = UUID.randomUUID().toString();
		Map<String, String> call = Map.of(RpcHeaders.IDEMPOTENCY_KEY, withDeadline, RpcHeaders.ORDERING_KEY, account,
				RpcHeaders.TIMEOUT, "5000");
		assertThat(client.send(endpoint(first), body, call).result()).hasToString("[\"x\"]");
		String record = store.orderedRecordKey(RedisOrderingStore.encode(account), withDeadline);
		// the deadline's 5 s and the minute after it (idempotency.after-deadline), not a
		// day
		assertThat(redisTemplate.getExpire(record)).isBetween(30L, 65L);
		// a retry within the deadline still gets the outcome, on either instance
		assertThat(client.send(endpoint(second), body, call).result()).hasToString("[\"x\"]");
		String withoutDeadline = UUID.randomUUID().toString();
		String other = body.replace("\"x\"", "\"y\"");
		assertThat(client
			.send(endpoint(second), other,
					Map.of(RpcHeaders.IDEMPOTENCY_KEY, withoutDeadline, RpcHeaders.ORDERING_KEY, account))
			.result()).hasToString("[\"x\",\"y\"]");
		assertThat(redisTemplate.getExpire(store.orderedRecordKey(RedisOrderingStore.encode(account), withoutDeadline)))
			.isGreaterThan(Duration.ofHours(23).toSeconds());
		assertThat(first.getBean(LedgerServer.class).executionsOf(withDeadline)
				+ second.getBean(LedgerServer.class).executionsOf(withDeadline))
			.isEqualTo(1);
	}

}
