package dev.resilientrpc.checkpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Redis store against a private redis-server.
 */
class RedisCheckpointStoreTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private LettuceConnectionFactory connectionFactory;

	private RedisCheckpointStore store;

	@BeforeEach
	void connect() {
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.serverCommands().flushAll();
		}
		this.store = new RedisCheckpointStore(this.connectionFactory, "resilient-rpc");
	}

	@AfterEach
	void disconnect() {
		this.connectionFactory.destroy();
	}

	private CheckpointManifest publishCheckpoint(String name, long epoch, String cursor, byte[]... chunks) {
		long id = this.store.nextCheckpointId(name);
		this.store.writeChunks(name, id, 0, List.of(chunks));
		long size = 0;
		for (byte[] chunk : chunks) {
			size += chunk.length;
		}
		CheckpointManifest manifest = new CheckpointManifest(id, epoch, 1, Compression.NONE, chunks.length, size, 7,
				cursor, 1000 + id);
		this.store.publish(name, epoch, manifest, 2);
		return manifest;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static CommandLogEntry entry(String key) {
		return new CommandLogEntry(null, key, 42, "ledger.append", "[\"a\",\"" + key + "\"]");
	}

	private long ttl(String key) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return connection.keyCommands().pTtl(bytes(key));
		}
	}

	private boolean exists(String key) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return Boolean.TRUE.equals(connection.keyCommands().exists(bytes(key)));
		}
	}

	@Test
	void publishedCheckpointsReadBackNewestFirst() {
		long epoch = this.store.acquireEpoch("n/a");
		CheckpointManifest first = publishCheckpoint("n/a", epoch, "0-0", bytes("one"));
		CheckpointManifest second = publishCheckpoint("n/a", epoch, "0-0", bytes("two"), bytes("three"));
		assertThat(this.store.list("n/a")).containsExactly(second, first);
		assertThat(this.store.readChunks("n/a", second.id(), 0, 2)).containsExactly(bytes("two"), bytes("three"));
	}

	@Test
	void chunksExpireUntilTheirCheckpointIsPublished() {
		long epoch = this.store.acquireEpoch("n/a");
		long id = this.store.nextCheckpointId("n/a");
		this.store.writeChunks("n/a", id, 0, List.of(bytes("x")));
		assertThat(ttl("resilient-rpc:{n/a}:chunk:" + id + ":0")).isPositive();
		assertThat(this.store.list("n/a")).isEmpty();
		this.store.publish("n/a", epoch, new CheckpointManifest(id, epoch, 1, Compression.NONE, 1, 1, 0, "0-0", 0), 2);
		assertThat(ttl("resilient-rpc:{n/a}:chunk:" + id + ":0")).isEqualTo(-1);
	}

	@Test
	void onlyTheLastCheckpointsAreKeptWithTheirChunks() {
		long epoch = this.store.acquireEpoch("n/a");
		CheckpointManifest first = publishCheckpoint("n/a", epoch, "0-0", bytes("1"), bytes("1"));
		publishCheckpoint("n/a", epoch, "0-0", bytes("2"));
		publishCheckpoint("n/a", epoch, "0-0", bytes("3"));
		assertThat(this.store.list("n/a")).extracting(CheckpointManifest::id).containsExactly(3L, 2L);
		assertThat(exists("resilient-rpc:{n/a}:chunk:" + first.id() + ":0")).isFalse();
		assertThat(exists("resilient-rpc:{n/a}:chunk:" + first.id() + ":1")).isFalse();
		assertThat(exists("resilient-rpc:{n/a}:checkpoint:" + first.id())).isFalse();
	}

	@Test
	void theLogIsTrimmedUpToTheCursorOfTheOldestKeptCheckpoint() {
		long epoch = this.store.acquireEpoch("n/a");
		List<String> ids = this.store.append("n/a", epoch, List.of(entry("1"), entry("2"), entry("3"), entry("4")))
			.ids();
		publishCheckpoint("n/a", epoch, ids.get(1), bytes("x"));
		assertThat(this.store.logLength("n/a")).isEqualTo(2);
		publishCheckpoint("n/a", epoch, ids.get(3), bytes("y"));
		assertThat(this.store.logLength("n/a")).isEqualTo(2);
		assertThat(this.store.readLog("n/a", "0-0", 10)).extracting(CommandLogEntry::idempotencyKey)
			.containsExactly("3", "4");
		publishCheckpoint("n/a", epoch, ids.get(3), bytes("z"));
		assertThat(this.store.logLength("n/a")).isZero();
	}

	@Test
	void logEntriesReadBackInOrderWithTheirFields() {
		long epoch = this.store.acquireEpoch("n/a");
		List<String> ids = this.store.append("n/a", epoch, List.of(entry("1"), entry("2"), entry("3"))).ids();
		assertThat(ids).hasSize(3).isSortedAccordingTo(StreamIds::compare);
		List<CommandLogEntry> entries = this.store.readLog("n/a", ids.get(0), 10);
		assertThat(entries).containsExactly(entry("2").withId(ids.get(1)), entry("3").withId(ids.get(2)));
		assertThat(this.store.readLog("n/a", "0-0", 2)).hasSize(2);
	}

	@Test
	void aZombieWithAnOlderEpochCanNeitherPublishNorAppend() {
		long zombie = this.store.acquireEpoch("n/a");
		long successor = this.store.acquireEpoch("n/a");
		assertThat(successor).isGreaterThan(zombie);
		long id = this.store.nextCheckpointId("n/a");
		this.store.writeChunks("n/a", id, 0, List.of(bytes("zombie")));
		assertThatExceptionOfType(CheckpointFencedException.class)
			.isThrownBy(() -> this.store.publish("n/a", zombie,
					new CheckpointManifest(id, zombie, 1, Compression.NONE, 1, 6, 0, "0-0", 0), 2))
			.satisfies((ex) -> assertThat(ex.getCurrentEpoch()).isEqualTo(successor));
		assertThatExceptionOfType(CheckpointFencedException.class)
			.isThrownBy(() -> this.store.append("n/a", zombie, List.of(entry("1"))));
		assertThat(this.store.list("n/a")).isEmpty();
		assertThat(this.store.logLength("n/a")).isZero();
		assertThat(this.store.append("n/a", successor, List.of(entry("2"))).ids()).hasSize(1);
	}

	@Test
	void aWriterWhoseEpochAFailoverLostRaisesTheStoredEpochAndFencesTheOlderHolder() {
		long older = this.store.acquireEpoch("n/a");
		long newer = this.store.acquireEpoch("n/a");
		// a replica promoted without the INCR that gave the newer writer its epoch
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.stringCommands().set("resilient-rpc:{n/a}:epoch".getBytes(), Long.toString(older).getBytes());
		}
		assertThat(this.store.append("n/a", older, List.of(entry("1"))).ids()).hasSize(1);
		assertThat(this.store.append("n/a", newer, List.of(entry("2"))).ids()).hasSize(1);
		assertThatExceptionOfType(CheckpointFencedException.class)
			.isThrownBy(() -> this.store.append("n/a", older, List.of(entry("3"))))
			.satisfies((ex) -> assertThat(ex.getCurrentEpoch()).isEqualTo(newer));
		assertThat(this.store.acquireEpoch("n/a")).isGreaterThan(newer);
	}

	@Test
	void aCheckpointWithAMissingChunkIsNotPublished() {
		long epoch = this.store.acquireEpoch("n/a");
		long id = this.store.nextCheckpointId("n/a");
		this.store.writeChunks("n/a", id, 0, List.of(bytes("x")));
		assertThatIllegalStateException()
			.isThrownBy(() -> this.store.publish("n/a", epoch,
					new CheckpointManifest(id, epoch, 1, Compression.NONE, 2, 2, 0, "0-0", 0), 2))
			.withMessageContaining("Chunk 1");
		assertThat(this.store.list("n/a")).isEmpty();
	}

	@Test
	void anOlderCheckpointIsNotPublishedOverANewerOne() {
		long epoch = this.store.acquireEpoch("n/a");
		long older = this.store.nextCheckpointId("n/a");
		this.store.writeChunks("n/a", older, 0, List.of(bytes("old")));
		publishCheckpoint("n/a", epoch, "0-0", bytes("new"));
		assertThatIllegalStateException().isThrownBy(() -> this.store.publish("n/a", epoch,
				new CheckpointManifest(older, epoch, 1, Compression.NONE, 1, 3, 0, "0-0", 0), 2));
		assertThat(this.store.list("n/a")).hasSize(1);
	}

	@Test
	void aLostEpochIsReportedAndTakenOver() {
		long epoch = this.store.acquireEpoch("n/a");
		this.store.acquireEpoch("n/a");
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.serverCommands().flushAll();
		}
		assertThat(this.store.append("n/a", epoch + 1, List.of(entry("1"))).epochWasLost()).isTrue();
		assertThat(this.store.append("n/a", epoch + 1, List.of(entry("2"))).epochWasLost()).isFalse();
		assertThatExceptionOfType(CheckpointFencedException.class)
			.isThrownBy(() -> this.store.append("n/a", epoch, List.of(entry("3"))));
	}

	@Test
	void everyKeyOfACheckpointCarriesItsHashTag() {
		long epoch = this.store.acquireEpoch("node-1/kv");
		this.store.append("node-1/kv", epoch, List.of(entry("1")));
		publishCheckpoint("node-1/kv", epoch, "0-0", bytes("x"));
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			assertThat(connection.keyCommands().keys(bytes("*"))).isNotEmpty()
				.allSatisfy((key) -> assertThat(new String(key, StandardCharsets.UTF_8))
					.startsWith("resilient-rpc:{node-1/kv}:"));
		}
	}

	@Test
	void waitReportsZeroReplicasOnAServerWithoutAny() {
		long epoch = this.store.acquireEpoch("n/a");
		this.store.append("n/a", epoch, List.of(entry("1")));
		assertThat(this.store.awaitReplicas("n/a", 1, Duration.ofMillis(50))).isZero();
	}

}
