package dev.resilientrpc.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The byte layout of checkpoint data.
 */
class CheckpointFormatTests {

	private final byte[] state = randomState(10_000);

	private static byte[] randomState(int size) {
		byte[] bytes = new byte[size];
		new Random(42).nextBytes(bytes);
		for (int i = 0; i < size; i += 3) {
			bytes[i] = 'x';
		}
		return bytes;
	}

	private Written write(Compression compression) throws IOException {
		List<byte[]> chunks = new ArrayList<>();
		PartitionRecords.Contents records = new PartitionRecords.Contents(List
			.of(new AppliedCall("k1", 7, "fp1", "key-a", "r42"), new AppliedCall("k2", 8, "fp2", null, "rnull")),
				Map.of("key-a", 7L));
		CheckpointFormat.Written written = CheckpointFormat.write(chunks::add, 1024, compression, records,
				(out) -> out.write(this.state));
		CheckpointManifest manifest = new CheckpointManifest(1, 1, CheckpointFormat.VERSION, compression,
				written.chunks(), written.size(), written.checksum(), "0-0", 0);
		return new Written(manifest, chunks);
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void roundTripsStateAndRememberedCallsThroughChunks(Compression compression) throws Exception {
		Written written = write(compression);
		assertThat(written.chunks()).hasSizeGreaterThan(1)
			.allSatisfy((chunk) -> assertThat(chunk.length).isLessThanOrEqualTo(1024));
		CheckpointFormat.Contents contents = CheckpointFormat.read(written.manifest(),
				new ArrayList<>(written.chunks()));
		assertThat(contents.records().calls()).containsExactly(new AppliedCall("k1", 7, "fp1", "key-a", "r42"),
				new AppliedCall("k2", 8, "fp2", null, "rnull"));
		assertThat(contents.records().marks()).containsExactly(Map.entry("key-a", 7L));
		assertThat(contents.state().readAllBytes()).isEqualTo(this.state);
	}

	@Test
	void compressionShrinksCompressibleState() throws Exception {
		assertThat(write(Compression.DEFLATE).manifest().size()).isLessThan(write(Compression.NONE).manifest().size());
	}

	@Test
	void aFlippedBitFailsTheChecksum() throws Exception {
		Written written = write(Compression.NONE);
		List<byte[]> chunks = new ArrayList<>(written.chunks());
		chunks.get(3)[100] ^= 0x10;
		assertThatExceptionOfType(CheckpointFormat.CorruptCheckpointException.class)
			.isThrownBy(() -> CheckpointFormat.read(written.manifest(), new ArrayList<>(chunks)))
			.withMessageContaining("CRC32C");
	}

	@Test
	void aMissingChunkIsCorruption() throws Exception {
		Written written = write(Compression.NONE);
		List<byte[]> chunks = new ArrayList<>(written.chunks());
		chunks.set(1, null);
		assertThatExceptionOfType(CheckpointFormat.CorruptCheckpointException.class)
			.isThrownBy(() -> CheckpointFormat.read(written.manifest(), new ArrayList<>(chunks)))
			.withMessageContaining("chunk 1 is missing");
	}

	@Test
	void aTruncatedCheckpointIsCorruption() throws Exception {
		Written written = write(Compression.NONE);
		List<byte[]> chunks = new ArrayList<>(written.chunks());
		chunks.remove(chunks.size() - 1);
		assertThatExceptionOfType(CheckpointFormat.CorruptCheckpointException.class)
			.isThrownBy(() -> CheckpointFormat.read(written.manifest(), new ArrayList<>(chunks)));
	}

	@Test
	void anUnknownFormatVersionIsRefused() throws Exception {
		Written written = write(Compression.NONE);
		CheckpointManifest manifest = written.manifest();
		CheckpointManifest future = new CheckpointManifest(manifest.id(), manifest.epoch(), 99, manifest.compression(),
				manifest.chunks(), manifest.size(), manifest.checksum(), manifest.logCursor(), manifest.createdAt());
		assertThatExceptionOfType(CheckpointFormat.CorruptCheckpointException.class)
			.isThrownBy(() -> CheckpointFormat.read(future, new ArrayList<>(written.chunks())))
			.withMessageContaining("format 99");
	}

	@Test
	void stateLargerThanAChunkIsSplitExactly() throws Exception {
		List<byte[]> chunks = new ArrayList<>();
		CheckpointFormat.Written written = CheckpointFormat.write(chunks::add, 1024, Compression.NONE,
				PartitionRecords.Contents.EMPTY, (out) -> out.write(new byte[1024 * 3 - 16]));
		assertThat(written.chunks()).isEqualTo(3);
		assertThat(written.size()).isEqualTo(3 * 1024);
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		chunks.forEach(all::writeBytes);
		assertThat(all.size()).isEqualTo(3 * 1024);
	}

	private record Written(CheckpointManifest manifest, List<byte[]> chunks) {

	}

}
