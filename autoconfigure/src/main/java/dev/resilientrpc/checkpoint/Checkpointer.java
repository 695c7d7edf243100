package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Writes checkpoints of partitions: cuts the state while no mutating call of the
 * partition is half done (so that the state and the log cursor stored with it agree:
 * every logged call up to the cursor is in the state, none after), writes it in chunks
 * and publishes it with the partition's epoch, which trims the log before the oldest
 * checkpoint kept.
 */
public final class Checkpointer {

	private static final Log logger = LogFactory.getLog(Checkpointer.class);

	private final CheckpointStore store;

	private final PartitionOptions options;

	private final Clock clock;

	/**
	 * Create a checkpointer.
	 * @param store where checkpoints go
	 * @param options compression, chunk size and how many to keep
	 * @param clock the clock checkpoints are dated with
	 */
	public Checkpointer(CheckpointStore store, PartitionOptions options, Clock clock) {
		this.store = store;
		this.options = options;
		this.clock = clock;
	}

	/**
	 * Write a checkpoint of a serving partition.
	 * @param partition the partition
	 * @param force whether to write one even if nothing changed since the last
	 * @return whether one was written
	 * @throws CheckpointFencedException if another process holds a newer epoch
	 * @throws CheckpointException if the checkpoint could not be written
	 */
	public boolean checkpoint(Partition partition, boolean force) {
		partition.writing.lock();
		try {
			CheckpointFencedException fenced = partition.fencedBy();
			if (fenced != null) {
				throw fenced;
			}
			CommandLog log = partition.log();
			if (log == null || !partition.isServing()) {
				throw new CheckpointException("'" + partition.getStoreName() + "' does not serve ("
						+ partition.getState() + "): no checkpoint", null);
			}
			long started = System.nanoTime();
			String cursor;
			long changeCount;
			Checkpointable.Snapshot snapshot;
			PartitionRecords.Contents records;
			partition.gate.writeLock().lock();
			try {
				cursor = log.flush();
				changeCount = partition.getTarget().getChangeCount();
				if (!force && changeCount != -1 && changeCount == partition.lastChangeCount
						&& cursor.equals(partition.lastCheckpointCursor)) {
					return false;
				}
				snapshot = partition.getTarget().snapshot();
				records = partition.records().copy();
			}
			finally {
				partition.gate.writeLock().unlock();
			}
			CheckpointManifest manifest = write(partition, cursor, snapshot, records);
			CheckpointStore.PublishResult result = this.store.publish(partition.getStoreName(), partition.getEpoch(),
					manifest, this.options.keep());
			if (result.epochWasLost()) {
				logger.error("REDIS LOST DATA: the epoch of '" + partition.getStoreName() + "' was missing when "
						+ "checkpoint " + manifest.id() + " was published; this checkpoint restores the state, but "
						+ "calls acknowledged by other processes in between may be lost");
			}
			partition.lastCheckpointId = manifest.id();
			partition.lastCheckpointAt = Instant.ofEpochMilli(manifest.createdAt());
			partition.lastCheckpointSize = manifest.size();
			partition.lastCheckpointDuration = Duration.ofNanos(System.nanoTime() - started);
			partition.lastCheckpointCursor = cursor;
			partition.lastChangeCount = changeCount;
			partition.consecutiveFailures = 0;
			partition.checkpoints++;
			partition.logLength.addAndGet(-result.trimmed());
			if (logger.isDebugEnabled()) {
				logger.debug("Checkpoint " + manifest.id() + " of '" + partition.getStoreName() + "': "
						+ manifest.size() + " bytes in " + manifest.chunks() + " chunks, log cursor " + cursor + ", "
						+ partition.lastCheckpointDuration.toMillis() + " ms");
			}
			return true;
		}
		catch (CheckpointFencedException ex) {
			throw ex;
		}
		catch (RuntimeException | IOException ex) {
			partition.consecutiveFailures++;
			partition.failures++;
			partition.lastFailure = String.valueOf(ex);
			if (ex instanceof CheckpointException checkpointException) {
				throw checkpointException;
			}
			throw new CheckpointException("Checkpoint of '" + partition.getStoreName() + "' failed: " + ex, ex);
		}
		finally {
			partition.writing.unlock();
		}
	}

	private CheckpointManifest write(Partition partition, String cursor, Checkpointable.Snapshot snapshot,
			PartitionRecords.Contents records) throws IOException {
		String storeName = partition.getStoreName();
		long id = this.store.nextCheckpointId(storeName);
		Compression compression = this.options.compression();
		try (CheckpointStore.ChunkWriter chunks = this.store.openChunkWriter(storeName, id)) {
			try {
				CheckpointFormat.Written written = CheckpointFormat.write(chunks::write, this.options.chunkSize(),
						compression, records, snapshot);
				chunks.finish();
				return new CheckpointManifest(id, partition.getEpoch(), CheckpointFormat.VERSION, compression,
						written.chunks(), written.size(), written.checksum(), cursor, this.clock.millis());
			}
			catch (IOException | RuntimeException ex) {
				try {
					this.store.discard(storeName, id, chunks.count());
				}
				catch (RuntimeException suppressed) {
					ex.addSuppressed(suppressed);
				}
				throw ex;
			}
		}
	}

}
