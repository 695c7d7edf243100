package dev.resilientrpc.benchmarks.checkpoint;

import java.io.IOException;
import java.io.InputStream;

import dev.resilientrpc.checkpoint.Checkpointable;

/**
 * A state that is one array of bytes, so that the benchmarks measure the checkpoint pipeline
 * (format, checksum, chunking, Redis) rather than a serializer.
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
		return (out) -> out.write(captured);
	}

	@Override
	public void restore(InputStream in) throws IOException {
		this.bytes = in.readAllBytes();
	}

}
