package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.ordering.CallOutcomes;
import dev.resilientrpc.ordering.StoredOutcome;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;

/**
 * Brings a {@link Partition} up to date from the store: its newest checkpoint whose
 * checksum holds (corrupt ones are skipped, loudly) and the command log after it,
 * replayed in timestamp order and skipping the calls the checkpoint already holds; and,
 * later, the part of the log it has not applied yet ({@link #catchUp}). The one place
 * where state is read back, whether a node restores its own state, takes a slot over, or
 * heals itself.
 */
public final class PartitionLoader {

	private static final Log logger = LogFactory.getLog(PartitionLoader.class);

	private static final int LOG_PAGE = 1000;

	private static final int WRITERS = 4;

	private static final Comparator<CommandLogEntry> REPLAY_ORDER = Comparator.comparingLong(CommandLogEntry::timestamp)
		.thenComparing((entry) -> String.valueOf(entry.id()), StreamIds::compare);

	private final CheckpointStore store;

	private final PartitionOptions options;

	private final CallOutcomes outcomes;

	private final ThreadPoolExecutor writers;

	/**
	 * Create a loader.
	 * @param store where checkpoints and logs are kept
	 * @param options how logs are written once a partition serves
	 * @param outcomes how the outcomes of replayed calls are recorded
	 */
	public PartitionLoader(CheckpointStore store, PartitionOptions options, CallOutcomes outcomes) {
		this.store = store;
		this.options = options;
		this.outcomes = outcomes;
		AtomicInteger threads = new AtomicInteger();
		// the writers of every partition's log: a batch is written by one of them at a
		// time per log
		this.writers = new ThreadPoolExecutor(WRITERS, WRITERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "rrpc-command-log-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.writers.allowCoreThreadTimeOut(true);
	}

	/**
	 * Return the store.
	 * @return the store
	 */
	public CheckpointStore getStore() {
		return this.store;
	}

	/**
	 * Return the options.
	 * @return the options
	 */
	public PartitionOptions getOptions() {
		return this.options;
	}

	/**
	 * Create a partition that is not loaded yet.
	 * @param name the checkpoint name
	 * @param storeName the store name
	 * @param target the empty state
	 * @param rememberedCalls how many calls its records keep
	 * @return the partition
	 */
	public Partition create(String name, String storeName, Checkpointable target, int rememberedCalls) {
		return new Partition(name, storeName, target, rememberedCalls);
	}

	/**
	 * Load a partition's state from its newest usable checkpoint and the log after it.
	 * The partition does not serve yet: {@link #serve} does, with an epoch.
	 * @param partition the partition, with empty state
	 * @param replayer runs a logged call against the partition's state, or {@code null}
	 * if this process serves no JSON-RPC (a non-empty log is then an error)
	 * @return the cursor: the id of the last log entry applied
	 * @throws CheckpointException if no usable checkpoint exists although some were
	 * published, or the state cannot be restored or a logged call replayed
	 */
	public String load(Partition partition, @Nullable CommandReplayer replayer) {
		long started = System.nanoTime();
		String storeName = partition.getStoreName();
		List<CheckpointManifest> manifests = this.store.list(storeName);
		CheckpointManifest used = null;
		CheckpointFormat.Contents contents = null;
		int corrupt = 0;
		for (CheckpointManifest manifest : manifests) {
			try {
				contents = CheckpointFormat.read(manifest,
						new ArrayList<>(this.store.readChunks(storeName, manifest.id(), 0, manifest.chunks())));
				used = manifest;
				break;
			}
			catch (CheckpointFormat.CorruptCheckpointException ex) {
				corrupt++;
				logger.error("CORRUPT CHECKPOINT: checkpoint " + manifest.id() + " of '" + storeName + "' fails "
						+ "verification (" + ex.getMessage() + "); falling back to the previous checkpoint and the "
						+ "command log after it");
			}
		}
		if (used == null && !manifests.isEmpty()) {
			throw new CheckpointException("None of the " + manifests.size() + " checkpoints of '" + storeName
					+ "' is usable and the command log before them has been trimmed: refusing to start with "
					+ "incomplete state", null);
		}
		String cursor = StreamIds.ZERO;
		if (used != null && contents != null) {
			partition.records().restore(contents.records());
			try {
				partition.getTarget().restore(contents.state());
			}
			catch (IOException | RuntimeException ex) {
				throw new CheckpointException("Checkpoint " + used.id() + " of '" + storeName
						+ "' passed its checksum but " + partition.getTarget() + " could not restore it", ex);
			}
			partition.lastCheckpointId = used.id();
			partition.lastCheckpointAt = Instant.ofEpochMilli(used.createdAt());
			partition.lastCheckpointSize = used.size();
			partition.lastCheckpointCursor = used.logCursor();
			cursor = used.logCursor();
		}
		partition.corruptSkipped = corrupt;
		long replayStarted = System.nanoTime();
		Replay replay = replay(partition, cursor, replayer);
		if (used != null && replay.applied() == 0) {
			// the state is the checkpoint's: a checkpoint before the next change would be
			// a copy
			partition.lastChangeCount = partition.getTarget().getChangeCount();
		}
		partition.replayedCalls = replay.applied();
		partition.skippedCalls = replay.skipped();
		partition.replayDuration = Duration.ofNanos(System.nanoTime() - replayStarted);
		partition.restoreDuration = Duration.ofNanos(System.nanoTime() - started);
		partition.logLength.set(this.store.logLength(storeName));
		if (logger.isDebugEnabled() || (replay.applied() > 0 && logger.isInfoEnabled())) {
			String message = "Loaded '" + storeName + "' from "
					+ ((used != null) ? "checkpoint " + used.id() + " (" + used.size() + " bytes, taken "
							+ Instant.ofEpochMilli(used.createdAt()) + ")" : "no checkpoint")
					+ " and " + replay.applied() + " replayed calls (" + replay.skipped() + " skipped as already "
					+ "applied, " + replay.failed() + " failed again) in " + partition.restoreDuration.toMillis()
					+ " ms";
			if (logger.isDebugEnabled()) {
				logger.debug(message);
			}
			else {
				logger.info(message);
			}
		}
		return replay.cursor();
	}

	/**
	 * Let a loaded partition serve with an epoch, logging after the given cursor.
	 * @param partition the partition
	 * @param epoch the epoch it writes with
	 * @param cursor the id of the last log entry its state holds
	 * @param listener what the log reports to
	 */
	public void serve(Partition partition, long epoch, String cursor, PartitionListener listener) {
		CommandLog log = new CommandLog(this.store, partition.getStoreName(), epoch, this.options.durability(),
				this.options.replicas(), this.options.replicationTimeout(), this.options.logTimeout(), cursor,
				new LogListener(partition, listener), this.writers);
		partition.serve(epoch, log);
	}

	/**
	 * Apply what the log holds after what the partition applied: the calls another writer
	 * appended (before a takeover) and those whose append had an unknown outcome.
	 * @param partition the partition
	 * @param cursor the id of the last entry it applied
	 * @param replayer runs a logged call against its state
	 * @return the cursor after the entries applied
	 */
	public String catchUp(Partition partition, String cursor, CommandReplayer replayer) {
		Replay replay = replay(partition, cursor, replayer);
		partition.replayedCalls += replay.applied();
		return replay.cursor();
	}

	/**
	 * Give a partition whose appends had an unknown outcome a definite state: with a
	 * newer epoch (acquired by the caller, which fences any append still on its way),
	 * apply the log after its cursor, which holds the calls that did reach the log;
	 * forget the calls that did not, which certainly never run; and serve again with the
	 * new epoch.
	 * @param partition the partition
	 * @param epoch the newer epoch
	 * @param replayer runs a logged call against its state
	 * @param listener what the new log reports to
	 * @return how many calls of unknown outcome turned out to be logged
	 */
	public int resync(Partition partition, long epoch, CommandReplayer replayer, PartitionListener listener) {
		partition.gate.writeLock().lock();
		try {
			CommandLog log = partition.log();
			String cursor = (log != null) ? log.cursor() : StreamIds.ZERO;
			List<String> unknown = partition.records().unknownCalls();
			String after = catchUp(partition, cursor, replayer);
			int logged = 0;
			for (String key : unknown) {
				if (partition.records().isDone(key)) {
					logged++;
				}
				else {
					partition.records().abort(key);
				}
			}
			serve(partition, epoch, after, listener);
			if (logger.isInfoEnabled()) {
				logger.info("Resynced '" + partition.getStoreName() + "' with epoch " + epoch + ": " + logged + " of "
						+ unknown.size()
						+ " calls of unknown outcome were logged and are applied, the others never ran");
			}
			return logged;
		}
		finally {
			partition.gate.writeLock().unlock();
		}
	}

	private Replay replay(Partition partition, String cursor, @Nullable CommandReplayer replayer) {
		List<CommandLogEntry> tail = new ArrayList<>();
		String after = cursor;
		while (true) {
			List<CommandLogEntry> page = this.store.readLog(partition.getStoreName(), after, LOG_PAGE);
			tail.addAll(page);
			if (page.size() < LOG_PAGE) {
				break;
			}
			after = String.valueOf(page.get(page.size() - 1).id());
		}
		tail.sort(REPLAY_ORDER);
		long applied = 0;
		long skipped = 0;
		long failed = 0;
		String last = cursor;
		for (CommandLogEntry entry : tail) {
			last = StreamIds.max(last, String.valueOf(entry.id()));
			if (partition.records().isDone(entry.idempotencyKey())) {
				skipped++;
				continue;
			}
			if (replayer == null) {
				throw new CheckpointException("The command log of '" + partition.getStoreName() + "' holds "
						+ tail.size() + " calls to replay but this application serves no JSON-RPC", null);
			}
			StoredOutcome outcome;
			try {
				byte[] result = replayer.replay(entry.method(), entry.params());
				outcome = StoredOutcome.result((result != null) ? new String(result, StandardCharsets.UTF_8) : "null");
			}
			catch (RpcErrorException ex) {
				if (ex.getCode() == RpcErrorCodes.METHOD_NOT_FOUND || ex.getCode() == RpcErrorCodes.INVALID_PARAMS) {
					throw new CheckpointException(
							"Logged call " + entry.id() + " to '" + entry.method() + "' of '" + partition.getStoreName()
									+ "' cannot be replayed: " + ex.getMessage() + " " + ex.getData(),
							ex);
				}
				outcome = this.outcomes.outcome(ex);
				failed++;
			}
			catch (Exception ex) {
				// it failed when it was first called too: replaying its failure changes
				// nothing
				outcome = this.outcomes.outcome(ex);
				failed++;
				if (logger.isDebugEnabled()) {
					logger.debug("Replayed call " + entry.id() + " to '" + entry.method() + "' threw again", ex);
				}
			}
			partition.records().replayed(entry, outcome);
			applied++;
		}
		return new Replay(last, applied, skipped, failed);
	}

	private record Replay(String cursor, long applied, long skipped, long failed) {

	}

	/**
	 * Passes what a partition's log reports to its owner, and keeps the log length.
	 */
	private static final class LogListener implements CommandLog.Listener {

		private final Partition partition;

		private final PartitionListener listener;

		LogListener(Partition partition, PartitionListener listener) {
			this.partition = partition;
			this.listener = listener;
		}

		@Override
		public void appended(int count, boolean epochWasLost) {
			this.partition.logLength.addAndGet(count);
			if (epochWasLost) {
				logger.error("REDIS LOST DATA: the epoch of '" + this.partition.getStoreName() + "' was missing when "
						+ "calls were logged; writing a checkpoint of the state in memory now");
				this.listener.checkpointNeeded(this.partition);
			}
		}

		@Override
		public void fenced(CheckpointFencedException ex) {
			if (this.partition.fence(ex)) {
				this.listener.fenced(this.partition, ex);
			}
		}

		@Override
		public void stopped(Throwable cause) {
			this.partition.needResync();
			this.listener.resyncNeeded(this.partition, cause);
		}

		@Override
		public void unlogged(int count, Exception ex) {
			logger.error(count + " acknowledged calls to '" + this.partition.getStoreName() + "' could not be logged "
					+ "(durability async): they are lost if this process dies before the next checkpoint, which is "
					+ "requested now: " + ex);
			this.listener.checkpointNeeded(this.partition);
		}

	}

}
