package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.test.redis.RedisProcess;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durability {@code replicated}: a mutating call runs only once a replica acknowledged
 * its log entry (Redis {@code WAIT}).
 */
class ReplicatedDurabilityTests {

	@RegisterExtension
	static final RedisServerExtension primary = RedisServerExtension.create();

	private static RedisProcess replica;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void startReplica() {
		replica = RedisProcess.create("--replicaof", primary.server().host(),
				Integer.toString(primary.server().port()));
		replica.start();
		connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(primary.server().host(), primary.server().port()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		await().atMost(Duration.ofSeconds(20)).until(ReplicatedDurabilityTests::replicaIsOnline);
	}

	private static boolean replicaIsOnline() {
		try (RedisConnection connection = connectionFactory.getConnection()) {
			Properties info = connection.serverCommands().info("replication");
			return info != null && "1".equals(info.getProperty("connected_slaves"))
					&& String.valueOf(info.getProperty("slave0")).contains("state=online");
		}
	}

	@AfterAll
	static void stop() {
		connectionFactory.destroy();
		replica.close();
	}

	private LedgerNode node() {
		return new LedgerNode(new RedisCheckpointStore(connectionFactory, "resilient-rpc"),
				(builder) -> builder.durability(Durability.REPLICATED).replicationTimeout(Duration.ofSeconds(1)));
	}

	@Test
	void withoutAReplicaACallsOutcomeIsUnknownNotRefusedAndItsRetryLearnsItOnceAReplicaIsBack() {
		LedgerNode node = node();
		assertThat(node.append("a", "1", "k1").get("result").asInt()).isEqualTo(1);
		replica.stop();
		await().atMost(Duration.ofSeconds(20)).until(() -> !replicaIsOnline());
		// on the primary, not on a replica: it might survive a failover or not, so it is
		// not acknowledged, and it is
		// not "not executed" (-32002) either: its log entry exists
		JsonNode unknown = node.append("a", "2", "k2");
		assertThat(unknown.get("error").get("code").asInt()).isEqualTo(RpcErrorCodes.OUTCOME_UNKNOWN);
		assertThat(unknown.get("error").get("data").get("idempotencyKey").asString()).isEqualTo("k2");
		assertThat(node.entries("a")).isEqualTo(List.of("1"));
		// nothing else is logged after an entry whose fate is unknown
		assertThat(node.append("b", "1", "k3").get("error").get("code").asInt()).isEqualTo(RpcErrorCodes.OVERLOADED);
		replica.start();
		await().atMost(Duration.ofSeconds(20)).until(ReplicatedDurabilityTests::replicaIsOnline);
		// the retry finds it in the log, applied once
		await().atMost(Duration.ofSeconds(20)).until(() -> node.append("a", "2", "k2").has("result"));
		assertThat(node.append("a", "2", "k2").get("result").asInt()).isEqualTo(2);
		assertThat(node.append("a", "3", "k4").get("result").asInt()).isEqualTo(3);
		assertThat(node.entries("a")).isEqualTo(List.of("1", "2", "3"));
		node.close();
	}

}
