package dev.resilientrpc.checkpoint;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StreamUtils;

/**
 * The byte layout of a checkpoint's data, version {@value #VERSION}. The data is the
 * concatenation of its chunks; the manifest holds its size and CRC32C, checked before
 * anything is restored. <pre>
 * header:  "RRCP" | version (1 byte) | compression id (1 byte) | 2 reserved bytes
 * body:    (deflated when compression is DEFLATE)
 *          int n, then n remembered calls: UTF key | long timestamp | UTF fingerprint
 *                    | UTF ordering key ("" for none) | int length | outcome (UTF-8, StoredOutcome.encode())
 *          int m, then m high-water marks: UTF ordering key | long timestamp
 *          the state, as written by the Checkpointable's snapshot, to the end
 * </pre>
 */
final class CheckpointFormat {

	static final int VERSION = 2;

	private static final byte[] MAGIC = { 'R', 'R', 'C', 'P' };

	private static final int BUFFER = 64 * 1024;

	private CheckpointFormat() {
	}

	/**
	 * Write a checkpoint's data in chunks.
	 * @param sink where full chunks go, in order; it owns each array it is given
	 * @param chunkSize the size of every chunk but the last
	 * @param compression the compression of the body
	 * @param records the remembered calls and the high-water marks
	 * @param snapshot the state
	 * @return the size, chunk count and checksum of the written data
	 * @throws IOException if the snapshot or the sink fails
	 */
	static Written write(ChunkSink sink, int chunkSize, Compression compression, PartitionRecords.Contents records,
			Checkpointable.Snapshot snapshot) throws IOException {
		ChunkingOutputStream chunks = new ChunkingOutputStream(sink, chunkSize);
		chunks.write(MAGIC);
		chunks.write(new byte[] { VERSION, (byte) compression.id(), 0, 0 });
		Deflater deflater = (compression == Compression.DEFLATE) ? new Deflater(Deflater.BEST_SPEED) : null;
		try {
			OutputStream body = (deflater != null) ? new DeflaterOutputStream(chunks, deflater, BUFFER) : chunks;
			DataOutputStream out = new DataOutputStream(new BufferedOutputStream(body, BUFFER));
			out.writeInt(records.calls().size());
			for (AppliedCall call : records.calls()) {
				out.writeUTF(call.key());
				out.writeLong(call.timestamp());
				out.writeUTF(call.fingerprint());
				out.writeUTF((call.orderingKey() != null) ? call.orderingKey() : "");
				byte[] outcome = call.outcome().getBytes(StandardCharsets.UTF_8);
				out.writeInt(outcome.length);
				out.write(outcome);
			}
			out.writeInt(records.marks().size());
			for (Map.Entry<String, Long> mark : records.marks().entrySet()) {
				out.writeUTF(mark.getKey());
				out.writeLong(mark.getValue());
			}
			snapshot.writeTo(StreamUtils.nonClosing(out));
			out.flush();
			if (body instanceof DeflaterOutputStream deflating) {
				deflating.finish();
			}
			chunks.finish();
		}
		finally {
			if (deflater != null) {
				deflater.end();
			}
		}
		return new Written(chunks.size, chunks.count, chunks.crc.getValue());
	}

	/**
	 * Check a checkpoint's data against its manifest and return its contents.
	 * @param manifest the manifest
	 * @param chunks the chunks, in order
	 * @return the contents
	 * @throws CorruptCheckpointException if the data does not match the manifest
	 */
	static Contents read(CheckpointManifest manifest, List<byte @Nullable []> chunks)
			throws CorruptCheckpointException {
		if (manifest.format() != VERSION) {
			throw new CorruptCheckpointException(
					"format " + manifest.format() + " is not supported (expected: " + VERSION + ")");
		}
		if (chunks.size() != manifest.chunks()) {
			throw new CorruptCheckpointException(chunks.size() + " chunks read, " + manifest.chunks() + " expected");
		}
		CRC32C crc = new CRC32C();
		long size = 0;
		List<InputStream> streams = new ArrayList<>(chunks.size());
		for (int i = 0; i < chunks.size(); i++) {
			byte[] chunk = chunks.get(i);
			if (chunk == null) {
				throw new CorruptCheckpointException("chunk " + i + " is missing");
			}
			crc.update(chunk);
			size += chunk.length;
			streams.add(new ByteArrayInputStream(chunk));
		}
		if (size != manifest.size()) {
			throw new CorruptCheckpointException(size + " bytes read, " + manifest.size() + " expected");
		}
		if (crc.getValue() != manifest.checksum()) {
			throw new CorruptCheckpointException("CRC32C is " + Long.toHexString(crc.getValue()) + ", "
					+ Long.toHexString(manifest.checksum()) + " expected");
		}
		try {
			InputStream in = new SequenceInputStream(Collections.enumeration(streams));
			byte[] header = in.readNBytes(8);
			if (header.length != 8 || !Arrays.equals(Arrays.copyOf(header, 4), MAGIC) || header[4] != VERSION) {
				throw new CorruptCheckpointException("the header is not that of a version " + VERSION + " checkpoint");
			}
			Compression compression = Compression.ofId(header[5]);
			InputStream body = (compression == Compression.DEFLATE)
					? new InflaterInputStream(in, new Inflater(), BUFFER) : in;
			DataInputStream data = new DataInputStream(new BufferedInputStream(body, BUFFER));
			int count = data.readInt();
			if (count < 0) {
				throw new CorruptCheckpointException("negative count of remembered calls");
			}
			List<AppliedCall> calls = new ArrayList<>(Math.min(count, 1 << 16));
			for (int i = 0; i < count; i++) {
				String key = data.readUTF();
				long timestamp = data.readLong();
				String fingerprint = data.readUTF();
				String orderingKey = data.readUTF();
				int length = data.readInt();
				byte[] outcome = data.readNBytes(length);
				if (length < 0 || outcome.length != length) {
					throw new EOFException();
				}
				calls.add(new AppliedCall(key, timestamp, fingerprint, orderingKey.isEmpty() ? null : orderingKey,
						new String(outcome, StandardCharsets.UTF_8)));
			}
			int markCount = data.readInt();
			if (markCount < 0) {
				throw new CorruptCheckpointException("negative count of high-water marks");
			}
			Map<String, Long> marks = new LinkedHashMap<>();
			for (int i = 0; i < markCount; i++) {
				String key = data.readUTF();
				marks.put(key, data.readLong());
			}
			return new Contents(new PartitionRecords.Contents(calls, marks), data);
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new CorruptCheckpointException("the data cannot be read: " + ex);
		}
	}

	/**
	 * Receives full chunks.
	 */
	@FunctionalInterface
	interface ChunkSink {

		void accept(byte[] chunk) throws IOException;

	}

	record Written(long size, int chunks, long checksum) {

	}

	record Contents(PartitionRecords.Contents records, InputStream state) {

	}

	/**
	 * A checkpoint whose data does not match its manifest.
	 */
	static final class CorruptCheckpointException extends Exception {

		CorruptCheckpointException(String message) {
			super(message);
		}

	}

	private static final class ChunkingOutputStream extends OutputStream {

		private final ChunkSink sink;

		private final int chunkSize;

		private final CRC32C crc = new CRC32C();

		private byte[] buffer;

		private int position;

		private long size;

		private int count;

		ChunkingOutputStream(ChunkSink sink, int chunkSize) {
			this.sink = sink;
			this.chunkSize = chunkSize;
			this.buffer = new byte[chunkSize];
		}

		@Override
		public void write(int b) throws IOException {
			this.buffer[this.position++] = (byte) b;
			if (this.position == this.chunkSize) {
				emit();
			}
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			while (len > 0) {
				int n = Math.min(len, this.chunkSize - this.position);
				System.arraycopy(b, off, this.buffer, this.position, n);
				this.position += n;
				off += n;
				len -= n;
				if (this.position == this.chunkSize) {
					emit();
				}
			}
		}

		private void emit() throws IOException {
			byte[] chunk = (this.position == this.buffer.length) ? this.buffer
					: Arrays.copyOf(this.buffer, this.position);
			this.crc.update(chunk);
			this.size += chunk.length;
			this.count++;
			this.buffer = new byte[this.chunkSize];
			this.position = 0;
			this.sink.accept(chunk);
		}

		void finish() throws IOException {
			if (this.position > 0) {
				emit();
			}
			this.buffer = new byte[0];
		}

	}

}
