package dev.resilientrpc.checkpoint;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 100 MB state through Redis: written in chunks, restored byte for byte.
 */
class LargeStateTests {

	private static final int ENTRIES = 1600;

	private static final int ENTRY_SIZE = 64 * 1024;

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private LettuceConnectionFactory connectionFactory;

	@BeforeEach
	void connect() {
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
	}

	@AfterEach
	void disconnect() {
		this.connectionFactory.destroy();
	}

	private CheckpointManager manager(CheckpointedMap<Integer, byte[]> state) {
		return CheckpointManager.builder(new RedisCheckpointStore(this.connectionFactory, "resilient-rpc"))
			.checkpointables(List.of(state))
			.nodeId("large")
			.keep(1)
			.build();
	}

	@Test
	void aHundredMegabyteStateIsRestoredExactly() {
		CheckpointedMap<Integer, byte[]> original = new CheckpointedMap<>("blobs", Integer.class, byte[].class);
		Random random = new Random(7);
		for (int i = 0; i < ENTRIES; i++) {
			byte[] value = new byte[ENTRY_SIZE];
			random.nextBytes(value);
			original.put(i, value);
		}
		CheckpointManager writer = manager(original);
		writer.restore(null);
		CheckpointStatus written = writer.checkpoint("blobs");
		assertThat(written.lastCheckpointSize()).isGreaterThan((long) ENTRIES * ENTRY_SIZE);
		CheckpointedMap<Integer, byte[]> restored = new CheckpointedMap<>("blobs", Integer.class, byte[].class);
		CheckpointManager reader = manager(restored);
		reader.restore(null);
		assertThat(reader.getStatus("blobs").lastCheckpointId()).isEqualTo(written.lastCheckpointId());
		assertThat(restored).hasSize(ENTRIES);
		for (int i = 0; i < ENTRIES; i++) {
			assertThat(restored.get(i)).isEqualTo(original.get(i));
		}
		System.out.println("100 MB state: written " + written.lastCheckpointSize() + " bytes in "
				+ written.lastCheckpointDuration().toMillis() + " ms, restored in "
				+ reader.getStatus("blobs").restoreDuration().toMillis() + " ms");
	}

}
