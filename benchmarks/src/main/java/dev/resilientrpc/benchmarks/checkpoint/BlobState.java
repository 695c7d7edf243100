package dev.resilientrpc.benchmarks.checkpoint;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;

import dev.resilientrpc.checkpoint.Checkpointable;

/**
 * A state that is one array of bytes, so that the benchmarks measure the checkpoint
 * pipeline (format, checksum, chunking, Redis) rather than a serializer.
 */
final class BlobState implements Checkpointable {

	private final String name;

	volatile byte[] bytes;

	BlobState(String name, byte[] bytes) {
		this.name = name;
		this.bytes = bytes;
	}

	@Override
	public String getCheckpointName() {
		return this.name;
	}

	@Override
	public Snapshot snapshot() {
		byte[] captured = this.bytes;
		return (out) -> {
			DataOutputStream data = new DataOutputStream(out);
			data.writeInt(captured.length);
			data.write(captured);
			data.flush();
		};
	}

	@Override
	public void restore(InputStream in) throws IOException {
		// the length first, so that the state is read into one array without copies
		DataInputStream data = new DataInputStream(in);
		byte[] restored = new byte[data.readInt()];
		data.readFully(restored);
		this.bytes = restored;
	}

}
