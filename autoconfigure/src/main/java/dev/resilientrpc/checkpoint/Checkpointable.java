package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * State that survives a restart: a bean implementing this interface is found
 * automatically, restored on startup before the RPC endpoint accepts calls, and
 * checkpointed on an interval, on graceful shutdown and on demand.
 * {@link CheckpointedMap} is a ready-made implementation.
 *
 * <p>
 * Calls to {@link dev.resilientrpc.annotation.Mutating @Mutating} methods of the service
 * with the same name are logged and replayed after the restore, so the state must be
 * changed only by such calls (or by code whose changes may be lost until the next
 * checkpoint).
 */
public interface Checkpointable {

	/**
	 * Return the name of the checkpoint: by default the name of the
	 * {@link dev.resilientrpc.annotation.RpcService service} whose mutating calls change
	 * this state. Letters, digits and {@code - _ .} only.
	 * @return the checkpoint name
	 */
	String getCheckpointName();

	/**
	 * Capture the state. Called while no mutating call of this checkpoint runs, so keep
	 * it short; the returned snapshot is written after those calls resume, so it must not
	 * see later changes: copy what is mutable here, or serialize it here.
	 * @return the captured state
	 */
	Snapshot snapshot();

	/**
	 * Replace the whole state with the one read from the given stream, written earlier by
	 * a {@link Snapshot}. Called once on startup, before any call is served.
	 * @param in the stream; it ends where the snapshot ended
	 * @throws IOException if the stream cannot be read or is not a snapshot of this state
	 */
	void restore(InputStream in) throws IOException;

	/**
	 * Return a number that changes whenever the state changes, so that a checkpoint of
	 * unchanged state can be skipped; {@code -1} (the default) if unknown, in which case
	 * every scheduled checkpoint is written.
	 * @return the change count or {@code -1}
	 */
	default long getChangeCount() {
		return -1;
	}

	/**
	 * A captured state, written to a checkpoint.
	 */
	@FunctionalInterface
	interface Snapshot {

		/**
		 * Write the captured state.
		 * @param out the stream to write to; do not close it
		 * @throws IOException if writing fails
		 */
		void writeTo(OutputStream out) throws IOException;

	}

}
