package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.autoconfigure.checkpoint.CheckpointHealthIndicator;
import dev.resilientrpc.checkpoint.ledger.LedgerApplication;
import dev.resilientrpc.checkpoint.ledger.LedgerApplication.RestoreProbe;
import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Ledger nodes in this JVM against a private redis-server. A node is replaced by starting
 * another one with the same node id while it still runs: the new one fences it off, which
 * is what a crashed-and-restarted process looks like to Redis.
 */
class CheckpointRecoveryTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private final String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext start(int port) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(LedgerApplication.class)
			.properties("server.port=" + port, "spring.data.redis.host=" + redis.server().host(),
					"spring.data.redis.port=" + redis.server().port(), "resilient-rpc.client.enabled=false",
					"resilient-rpc.checkpoint.node-id=" + this.nodeId, "resilient-rpc.checkpoint.interval=1h",
					"resilient-rpc.checkpoint.failure-threshold=1", "management.health.checkpoint.enabled=true")
			.run();
		this.contexts.add(context);
		return context;
	}

	private static LedgerClient client(ConfigurableApplicationContext context) {
		return new LedgerClient(TestPorts.portOf(context));
	}

	private static CheckpointManager manager(ConfigurableApplicationContext context) {
		return context.getBean(CheckpointManager.class);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Test
	void aReplacementRestoresCheckpointAndLogBeforeTheEndpointTakesCalls() throws Exception {
		ConfigurableApplicationContext first = start(0);
		LedgerClient client = client(first);
		client.append("a", "1", "k1");
		client.append("a", "2", "k2");
		manager(first).checkpoint("ledger");
		manager(first).checkpoint("probe");
		client.append("a", "3", "k3");
		client.append("b", "1", "k4");
		int port = freePort();
		ConfigurableApplicationContext second = start(port);
		RestoreProbe probe = second.getBean(RestoreProbe.class);
		assertThat(probe.readinessDuringRestore).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		assertThat(probe.portOpenDuringRestore).isFalse();
		LedgerClient replacement = client(second);
		assertThat(replacement.entries("a")).containsExactly("1", "2", "3");
		assertThat(replacement.entries("b")).containsExactly("1");
		assertThat(manager(second).getStatus("ledger").replayedCalls()).isEqualTo(2);
	}

	@Test
	void aCorruptLatestCheckpointIsSkippedForThePreviousOnePlusTheLog() throws Exception {
		ConfigurableApplicationContext first = start(0);
		LedgerClient client = client(first);
		client.append("a", "1", "k1");
		client.append("a", "2", "k2");
		manager(first).checkpoint("ledger");
		client.append("a", "3", "k3");
		client.append("a", "4", "k4");
		long latest = manager(first).checkpoint("ledger").lastCheckpointId();
		client.append("a", "5", "k5");
		try (RedisConnection connection = first.getBean(RedisConnectionFactory.class).getConnection()) {
			byte[] chunk = ("resilient-rpc:{" + this.nodeId + "/ledger}:chunk:" + latest + ":0").getBytes();
			connection.stringCommands().setRange(chunk, "garbage".getBytes(), 20);
		}
		ConfigurableApplicationContext second = start(0);
		assertThat(client(second).entries("a")).containsExactly("1", "2", "3", "4", "5");
		CheckpointStatus status = manager(second).getStatus("ledger");
		assertThat(status.corruptCheckpointsSkipped()).isEqualTo(1);
		assertThat(status.lastCheckpointId()).isEqualTo(latest - 1);
		assertThat(status.replayedCalls()).isEqualTo(3);
	}

	@Test
	void theReplacedProcessIsFencedOffAndGoesDown() throws Exception {
		ConfigurableApplicationContext zombie = start(0);
		client(zombie).append("a", "1", "k1");
		ConfigurableApplicationContext successor = start(0);
		JsonNode unknown = client(zombie).append("a", "zombie", "k2");
		assertThat(unknown.get("error").get("code").asInt()).as("the append that met the fence")
			.isEqualTo(RpcErrorCodes.OUTCOME_UNKNOWN);
		JsonNode refused = client(zombie).append("a", "zombie", "k2b");
		assertThat(refused.get("error").get("code").asInt()).as("an append to a fenced log")
			.isEqualTo(RpcErrorCodes.OVERLOADED);
		assertThatExceptionOfType(CheckpointFencedException.class)
			.isThrownBy(() -> manager(zombie).checkpoint("ledger"));
		assertThat(zombie.getBean(CheckpointHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(successor.getBean(CheckpointHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		zombie.close();
		client(successor).append("a", "2", "k3");
		ConfigurableApplicationContext third = start(0);
		assertThat(client(third).entries("a")).containsExactly("1", "2");
	}

	@Test
	void aGracefulShutdownWritesALastCheckpoint() throws Exception {
		ConfigurableApplicationContext first = start(0);
		client(first).append("a", "1", "k1");
		first.close();
		ConfigurableApplicationContext second = start(0);
		CheckpointStatus status = manager(second).getStatus("ledger");
		assertThat(status.lastCheckpointId()).isNotNull();
		assertThat(status.replayedCalls()).isZero();
		assertThat(client(second).entries("a")).containsExactly("1");
	}

}
