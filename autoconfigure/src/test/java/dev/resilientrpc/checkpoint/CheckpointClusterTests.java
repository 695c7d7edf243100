package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.checkpoint.ledger.LedgerApplication;
import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.test.redis.RedisProcess;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checkpoints on a real Redis Cluster of three masters, configured through Spring Boot's
 * own {@code spring.data.redis.cluster.nodes}: the Lua scripts touch several keys, which
 * a cluster allows only because every key of a checkpoint carries the same hash tag.
 */
class CheckpointClusterTests {

	private static final int SLOTS = 16384;

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create()
		.withArgs("--cluster-enabled", "yes", "--cluster-node-timeout", "2000")
		.servers(3);

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void formCluster() {
		List<RedisProcess> servers = redis.servers();
		RedisClient client = RedisClient.create();
		try {
			List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
			for (RedisProcess server : servers) {
				connections.add(client.connect(RedisURI.create(server.host(), server.port())));
			}
			for (int i = 0; i < servers.size(); i++) {
				int first = i * SLOTS / servers.size();
				int last = (i + 1) * SLOTS / servers.size();
				connections.get(i).sync().clusterAddSlots(IntStream.range(first, last).toArray());
			}
			for (int i = 1; i < servers.size(); i++) {
				connections.get(0).sync().clusterMeet(servers.get(i).host(), servers.get(i).port());
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> connections.stream()
					.map(StatefulRedisConnection::sync)
					.map(RedisCommands::clusterInfo)
					.allMatch((info) -> info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")));
			connections.forEach(StatefulRedisConnection::close);
		}
		finally {
			client.shutdown();
		}
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext start() {
		String nodes = String.join(",",
				redis.servers().stream().map((server) -> server.host() + ":" + server.port()).toList());
		ConfigurableApplicationContext context = new SpringApplicationBuilder(LedgerApplication.class)
			.properties("server.port=0", "spring.data.redis.cluster.nodes=" + nodes,
					"resilient-rpc.client.enabled=false", "resilient-rpc.checkpoint.node-id=cluster-node",
					"resilient-rpc.checkpoint.interval=1h", "resilient-rpc.checkpoint.chunk-size=1KB")
			.run();
		this.contexts.add(context);
		return context;
	}

	@Test
	void checkpointsAndTheLogRecoverTheStateOnACluster() throws Exception {
		ConfigurableApplicationContext first = start();
		assertThat(first.getBean(RedisConnectionFactory.class).getConnection())
			.isInstanceOf(RedisClusterConnection.class);
		LedgerClient client = new LedgerClient(TestPorts.portOf(first));
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			client.append("a", "entry-" + i + "-" + "x".repeat(20), "k" + i);
			expected.add("entry-" + i + "-" + "x".repeat(20));
		}
		CheckpointStatus checkpoint = first.getBean(CheckpointManager.class).checkpoint("ledger");
		assertThat(checkpoint.lastCheckpointSize()).isGreaterThan(4 * 1024);
		for (int i = 200; i < 220; i++) {
			client.append("a", "entry-" + i, "k" + i);
			expected.add("entry-" + i);
		}
		ConfigurableApplicationContext second = start();
		assertThat(new LedgerClient(TestPorts.portOf(second)).entries("a")).isEqualTo(expected);
		CheckpointStatus restored = second.getBean(CheckpointManager.class).getStatus("ledger");
		assertThat(restored.lastCheckpointId()).isEqualTo(checkpoint.lastCheckpointId());
		assertThat(restored.replayedCalls()).isEqualTo(20);
	}

}
