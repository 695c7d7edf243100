package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.List;

/**
 * Where checkpoints and command logs are kept. {@link RedisCheckpointStore} is the one to
 * use; {@link InMemoryCheckpointStore} keeps nothing across restarts.
 *
 * <p>
 * Every method takes the checkpoint's store name. A writer first
 * {@link #acquireEpoch(String) acquires an epoch}; {@link #publish publish} and
 * {@link #append append} refuse, atomically, a writer whose epoch is older than the
 * newest one, with a {@link CheckpointFencedException}. A checkpoint is written as chunks
 * first ({@link #writeChunks}) that stay invisible until {@link #publish} switches the
 * "latest" pointer to them in one atomic step.
 */
public interface CheckpointStore {

	/**
	 * Acquire a new epoch, fencing off every writer that holds an older one.
	 * @param name the store name of the checkpoint
	 * @return the new epoch, greater than every epoch acquired before
	 */
	long acquireEpoch(String name);

	/**
	 * Reserve the id of a new checkpoint.
	 * @param name the store name of the checkpoint
	 * @return an id greater than every id reserved before
	 */
	long nextCheckpointId(String name);

	/**
	 * Write chunks of a checkpoint not yet published. Unpublished chunks expire on their
	 * own if the writer dies.
	 * @param name the store name of the checkpoint
	 * @param checkpointId the reserved id
	 * @param firstIndex the index of the first of the given chunks
	 * @param chunks the chunks
	 */
	void writeChunks(String name, long checkpointId, int firstIndex, List<byte[]> chunks);

	/**
	 * Open a writer for the chunks of a checkpoint not yet published, which may send
	 * chunks while the next ones are produced. The default writes one chunk at a time
	 * with {@link #writeChunks}.
	 * @param name the store name of the checkpoint
	 * @param checkpointId the reserved id
	 * @return the writer
	 */
	default ChunkWriter openChunkWriter(String name, long checkpointId) {
		return new ChunkWriter() {

			private int count;

			@Override
			public void write(byte[] chunk) {
				writeChunks(name, checkpointId, this.count, List.of(chunk));
				this.count++;
			}

			@Override
			public int count() {
				return this.count;
			}

			@Override
			public void finish() {
			}

			@Override
			public void close() {
			}

		};
	}

	/**
	 * Publish a checkpoint whose chunks are written: it becomes the latest one, the
	 * oldest ones beyond {@code keep} are deleted, and the command log is trimmed up to
	 * the cursor of the oldest checkpoint kept.
	 * @param name the store name of the checkpoint
	 * @param epoch the writer's epoch
	 * @param manifest the checkpoint
	 * @param keep how many checkpoints to keep, at least 1
	 * @return what happened
	 * @throws CheckpointFencedException if a newer epoch was acquired
	 * @throws IllegalStateException if a chunk is missing or a newer checkpoint was
	 * published
	 */
	PublishResult publish(String name, long epoch, CheckpointManifest manifest, int keep);

	/**
	 * Delete the chunks of a checkpoint that will not be published. Best effort.
	 * @param name the store name of the checkpoint
	 * @param checkpointId the reserved id
	 * @param chunks how many chunks may have been written
	 */
	void discard(String name, long checkpointId, int chunks);

	/**
	 * Return the published checkpoints, newest first.
	 * @param name the store name of the checkpoint
	 * @return the manifests
	 */
	List<CheckpointManifest> list(String name);

	/**
	 * Read chunks of a published checkpoint.
	 * @param name the store name of the checkpoint
	 * @param checkpointId the checkpoint's id
	 * @param firstIndex the index of the first chunk to read
	 * @param count how many chunks to read
	 * @return the chunks; a missing chunk is {@code null}
	 */
	List<byte[]> readChunks(String name, long checkpointId, int firstIndex, int count);

	/**
	 * Append entries to the command log, in order, in one atomic step.
	 * @param name the store name of the checkpoint
	 * @param epoch the writer's epoch
	 * @param entries the entries
	 * @return what happened, with the ids the entries got
	 * @throws CheckpointFencedException if a newer epoch was acquired
	 */
	AppendResult append(String name, long epoch, List<CommandLogEntry> entries);

	/**
	 * Wait until the given number of replicas acknowledged every write made so far
	 * through this store to the checkpoint's command log (Redis {@code WAIT}).
	 * @param name the store name of the checkpoint
	 * @param replicas how many replicas must acknowledge
	 * @param timeout how long to wait at most
	 * @return how many replicas acknowledged
	 */
	int awaitReplicas(String name, int replicas, Duration timeout);

	/**
	 * Read command log entries in log order.
	 * @param name the store name of the checkpoint
	 * @param afterId read entries after this id ({@code 0-0} for all)
	 * @param limit how many entries to read at most
	 * @return the entries
	 */
	List<CommandLogEntry> readLog(String name, String afterId, int limit);

	/**
	 * Return how many entries the command log holds.
	 * @param name the store name of the checkpoint
	 * @return the length of the log
	 */
	long logLength(String name);

	/**
	 * Writes the chunks of one checkpoint, in order.
	 */
	interface ChunkWriter extends AutoCloseable {

		/**
		 * Write the next chunk; it may still be in flight when this returns.
		 * @param chunk the chunk, owned by the writer from now on
		 */
		void write(byte[] chunk);

		/**
		 * Return how many chunks were given to {@link #write}.
		 * @return the count
		 */
		int count();

		/**
		 * Wait until every chunk is stored.
		 * @throws RuntimeException if one could not be stored
		 */
		void finish();

		/**
		 * Release what the writer holds, without waiting.
		 */
		@Override
		void close();

	}

	/**
	 * What {@link #publish} did.
	 *
	 * @param trimmed how many command log entries were trimmed
	 * @param epochWasLost whether the store had lost the epoch (its data was lost) and
	 * took the writer's
	 */
	record PublishResult(long trimmed, boolean epochWasLost) {

	}

	/**
	 * What {@link #append} did.
	 *
	 * @param ids the ids of the appended entries, in order
	 * @param epochWasLost whether the store had lost the epoch (its data was lost) and
	 * took the writer's
	 */
	record AppendResult(List<String> ids, boolean epochWasLost) {

	}

}
