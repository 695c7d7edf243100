package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;

/**
 * Restores, checkpoints and logs the state of {@link Checkpointable} objects, one
 * checkpoint per {@link Checkpointable#getCheckpointName() name}.
 *
 * <p>
 * Lifecycle: {@link #restore(CommandReplayer)} once, before any call is served: for each
 * checkpoint it acquires a new epoch (fencing off the process it replaces), reads the
 * newest checkpoint whose checksum holds (skipping corrupt ones, loudly) and the command
 * log after it, restores the state and replays the logged calls in timestamp order,
 * skipping those the checkpoint already holds. {@link #start()} then schedules
 * checkpoints on the interval; a failed one is retried with exponential backoff while
 * calls go on being served. {@link #stop()} writes a last checkpoint.
 * {@link #checkpoint(String)} writes one on demand.
 *
 * <p>
 * A checkpoint is cut while the mutating calls of its checkpoint are paused (they hold
 * the read side of a lock across their log append and execution), so that the state and
 * the log cursor stored with it agree: every logged call up to the cursor is in the
 * state, none after.
 */
public final class CheckpointManager {

	private static final Log logger = LogFactory.getLog(CheckpointManager.class);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:@-]+");

	private static final int LOG_PAGE = 1000;

	private final CheckpointStore store;

	private final Clock clock;

	private final Duration interval;

	private final int keep;

	private final Compression compression;

	private final int chunkSize;

	private final Durability durability;

	private final int replicas;

	private final Duration replicationTimeout;

	private final Duration logTimeout;

	private final Duration retryBackoff;

	private final Duration restoreTimeout;

	private final Map<String, Unit> units;

	private final AtomicLong localTimestamp = new AtomicLong();

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean stopping;

	private CheckpointManager(Builder builder) {
		this.store = builder.store;
		this.clock = builder.clock;
		this.interval = builder.interval;
		this.keep = builder.keep;
		this.compression = builder.compression;
		this.chunkSize = builder.chunkSize;
		this.durability = builder.durability;
		this.replicas = builder.replicas;
		this.replicationTimeout = builder.replicationTimeout;
		this.logTimeout = builder.logTimeout;
		this.retryBackoff = builder.retryBackoff;
		this.restoreTimeout = builder.restoreTimeout;
		Map<String, Unit> units = new LinkedHashMap<>();
		for (Checkpointable checkpointable : builder.checkpointables) {
			String name = checkpointable.getCheckpointName();
			if (name == null || !NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("Checkpoint name '" + name + "' of " + checkpointable
						+ " is invalid (expected: letters, digits, '.', '_' or '-')");
			}
			String storeName = (builder.nodeId != null) ? builder.nodeId + "/" + name : name;
			Unit previous = units.put(name, new Unit(name, storeName, checkpointable, builder.rememberedCalls));
			if (previous != null) {
				throw new IllegalArgumentException("Two checkpointables are named '" + name + "': " + previous.target
						+ " and " + checkpointable + " (expected: one per checkpoint name)");
			}
		}
		this.units = Collections.unmodifiableMap(units);
	}

	/**
	 * Start building a manager.
	 * @param store where checkpoints and command logs are kept
	 * @return the builder
	 */
	public static Builder builder(CheckpointStore store) {
		return new Builder(store);
	}

	/**
	 * Return the names of the checkpoints.
	 * @return the names
	 */
	public Set<String> getCheckpointNames() {
		return this.units.keySet();
	}

	/**
	 * Return the status of every checkpoint.
	 * @return the statuses, by name
	 */
	public List<CheckpointStatus> getStatuses() {
		List<CheckpointStatus> statuses = new ArrayList<>();
		for (Unit unit : this.units.values()) {
			statuses.add(unit.status());
		}
		return statuses;
	}

	/**
	 * Return the status of one checkpoint.
	 * @param name the checkpoint name
	 * @return the status
	 * @throws IllegalArgumentException if there is no such checkpoint
	 */
	public CheckpointStatus getStatus(String name) {
		return unit(name).status();
	}

	/**
	 * Return the durability of command log appends.
	 * @return the durability
	 */
	public Durability getDurability() {
		return this.durability;
	}

	@Nullable Unit findUnit(String name) {
		return this.units.get(name);
	}

	Unit unit(String name) {
		Unit unit = this.units.get(name);
		if (unit == null) {
			throw new IllegalArgumentException(
					"No checkpoint named '" + name + "' (known: " + this.units.keySet() + ")");
		}
		return unit;
	}

	/**
	 * Return a timestamp for a call that came without one: a hybrid-logical-clock value
	 * from this process's clock, greater than every one returned or replayed before.
	 * @return the timestamp
	 */
	long nextLocalTimestamp() {
		long physical = this.clock.millis() << 16;
		return this.localTimestamp.updateAndGet((last) -> Math.max(last + 1, physical));
	}

	/**
	 * Restore every checkpoint and replay its command log. Redis failures are retried
	 * with backoff for up to the restore timeout.
	 * @param replayer runs logged calls again, or {@code null} if this process serves no
	 * JSON-RPC (then a non-empty log is an error)
	 * @throws CheckpointException if a state cannot be restored
	 */
	public void restore(@Nullable CommandReplayer replayer) {
		for (Unit unit : this.units.values()) {
			restore(unit, replayer);
		}
	}

	private void restore(Unit unit, @Nullable CommandReplayer replayer) {
		long started = System.nanoTime();
		Loaded loaded = loadWithRetries(unit);
		unit.epoch = loaded.epoch;
		CheckpointManifest manifest = loaded.manifest;
		if (loaded.contents != null && manifest != null) {
			unit.applied.replaceWith(loaded.contents.calls());
			try {
				unit.target.restore(loaded.contents.state());
			}
			catch (IOException | RuntimeException ex) {
				throw new CheckpointException("Checkpoint " + manifest.id() + " of '" + unit.storeName
						+ "' passed its checksum but " + unit.target + " could not restore it", ex);
			}
			unit.lastCheckpointId = manifest.id();
			unit.lastCheckpointAt = Instant.ofEpochMilli(manifest.createdAt());
			unit.lastCheckpointSize = manifest.size();
			unit.lastCheckpointCursor = manifest.logCursor();
		}
		long replayStarted = System.nanoTime();
		List<CommandLogEntry> tail = new ArrayList<>(loaded.tail);
		tail.sort(Comparator.comparingLong(CommandLogEntry::timestamp)
			.thenComparing(CommandLogEntry::id, (a, b) -> StreamIds.compare(String.valueOf(a), String.valueOf(b))));
		long replayed = 0;
		long skipped = 0;
		long failed = 0;
		String cursor = loaded.cursor;
		for (CommandLogEntry entry : tail) {
			cursor = StreamIds.max(cursor, String.valueOf(entry.id()));
			this.localTimestamp.accumulateAndGet(entry.timestamp(), Math::max);
			if (unit.applied.contains(entry.idempotencyKey())) {
				skipped++;
				continue;
			}
			if (replayer == null) {
				throw new CheckpointException("The command log of '" + unit.storeName + "' holds " + tail.size()
						+ " calls to replay but this application serves no JSON-RPC", null);
			}
			try {
				byte[] result = replayer.replay(entry.method(), entry.params());
				unit.applied.complete(entry.idempotencyKey(), entry.timestamp(), result);
			}
			catch (RpcErrorException ex) {
				if (ex.getCode() == RpcErrorCodes.METHOD_NOT_FOUND || ex.getCode() == RpcErrorCodes.INVALID_PARAMS) {
					throw new CheckpointException("Logged call " + entry.id() + " to '" + entry.method() + "' of '"
							+ unit.storeName + "' cannot be replayed: " + ex.getMessage() + " " + ex.getData(), ex);
				}
				failed++;
			}
			catch (Exception ex) {
				// it failed when it was first called too: replaying its failure changes
				// nothing
				failed++;
				if (logger.isDebugEnabled()) {
					logger.debug("Replayed call " + entry.id() + " to '" + entry.method() + "' threw again", ex);
				}
			}
			replayed++;
		}
		if (manifest != null && replayed == 0) {
			// the state is the checkpoint's: a checkpoint before the next change would be
			// a copy
			unit.lastChangeCount = unit.target.getChangeCount();
		}
		unit.replayedCalls = replayed;
		unit.skippedCalls = skipped;
		unit.replayDuration = Duration.ofNanos(System.nanoTime() - replayStarted);
		unit.restoreDuration = Duration.ofNanos(System.nanoTime() - started);
		unit.corruptSkipped = loaded.corrupt;
		unit.logLength.set(loaded.logLength);
		unit.log = new CommandLog(this.store, unit.storeName, unit.epoch, this.durability, this.replicas,
				this.replicationTimeout, this.logTimeout, cursor, new LogListener(unit));
		if (logger.isInfoEnabled()) {
			logger.info("Restored '" + unit.storeName + "' with epoch " + unit.epoch + " from "
					+ ((manifest != null) ? "checkpoint " + manifest.id() + " (" + manifest.size() + " bytes, taken "
							+ Instant.ofEpochMilli(manifest.createdAt()) + ")" : "no checkpoint")
					+ " and " + replayed + " replayed calls (" + skipped + " skipped as already applied, " + failed
					+ " failed again) in " + unit.restoreDuration.toMillis() + " ms");
		}
	}

	private Loaded loadWithRetries(Unit unit) {
		long deadline = System.nanoTime() + this.restoreTimeout.toNanos();
		Duration delay = this.retryBackoff;
		while (true) {
			try {
				return load(unit);
			}
			catch (CheckpointException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() + delay.toNanos() > deadline) {
					throw new CheckpointException(
							"Could not read the checkpoints of '" + unit.storeName + "' within " + this.restoreTimeout,
							ex);
				}
				logger.warn(
						"Reading the checkpoints of '" + unit.storeName + "' failed, retrying in " + delay + ": " + ex);
				sleep(delay);
				delay = min(delay.multipliedBy(2), Duration.ofSeconds(5));
			}
		}
	}

	private Loaded load(Unit unit) {
		long epoch = this.store.acquireEpoch(unit.storeName);
		List<CheckpointManifest> manifests = this.store.list(unit.storeName);
		CheckpointManifest used = null;
		CheckpointFormat.Contents contents = null;
		int corrupt = 0;
		for (CheckpointManifest manifest : manifests) {
			try {
				contents = CheckpointFormat.read(manifest, readChunks(unit.storeName, manifest));
				used = manifest;
				break;
			}
			catch (CheckpointFormat.CorruptCheckpointException ex) {
				corrupt++;
				logger.error("CORRUPT CHECKPOINT: checkpoint " + manifest.id() + " of '" + unit.storeName + "' fails "
						+ "verification (" + ex.getMessage() + "); falling back to the previous checkpoint and the "
						+ "command log after it");
			}
		}
		if (used == null && !manifests.isEmpty()) {
			throw new CheckpointException("None of the " + manifests.size() + " checkpoints of '" + unit.storeName
					+ "' is usable and the command log before them has been trimmed: refusing to start with "
					+ "incomplete state", null);
		}
		String cursor = (used != null) ? used.logCursor() : StreamIds.ZERO;
		List<CommandLogEntry> tail = new ArrayList<>();
		String after = cursor;
		while (true) {
			List<CommandLogEntry> page = this.store.readLog(unit.storeName, after, LOG_PAGE);
			tail.addAll(page);
			if (page.size() < LOG_PAGE) {
				break;
			}
			after = String.valueOf(page.get(page.size() - 1).id());
		}
		long logLength = this.store.logLength(unit.storeName);
		return new Loaded(epoch, used, contents, corrupt, tail, cursor, logLength);
	}

	private List<byte @Nullable []> readChunks(String storeName, CheckpointManifest manifest) {
		return new ArrayList<>(this.store.readChunks(storeName, manifest.id(), 0, manifest.chunks()));
	}

	/**
	 * Schedule checkpoints on the interval. Call after {@link #restore(CommandReplayer)}.
	 */
	public synchronized void start() {
		if (this.scheduler != null || this.units.isEmpty()) {
			return;
		}
		this.stopping = false;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "rrpc-checkpoint");
			thread.setDaemon(true);
			return thread;
		});
		for (Unit unit : this.units.values()) {
			schedule(unit, this.interval);
		}
	}

	/**
	 * Stop scheduling, write a last checkpoint of every changed state and close the
	 * command logs. Call once no more calls are served.
	 */
	public void stop() {
		ScheduledExecutorService executor;
		synchronized (this) {
			this.stopping = true;
			executor = this.scheduler;
			this.scheduler = null;
		}
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(this.logTimeout.toMillis() * 4, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		for (Unit unit : this.units.values()) {
			CommandLog log = unit.log;
			if (log == null) {
				continue;
			}
			if (!unit.fenced) {
				try {
					checkpoint(unit, false);
				}
				catch (CheckpointFencedException ex) {
					logger.warn("No last checkpoint of '" + unit.storeName + "' before shutdown: another process "
							+ "has taken it over");
				}
				catch (RuntimeException ex) {
					logger.error("The last checkpoint of '" + unit.storeName + "' before shutdown failed; its state "
							+ "will be restored from the previous checkpoint and the command log", ex);
				}
			}
			log.close();
		}
	}

	/**
	 * Write a checkpoint now, whether or not the state changed.
	 * @param name the checkpoint name
	 * @return the status after the checkpoint
	 * @throws CheckpointFencedException if another process took over the checkpoint
	 * @throws CheckpointException if the checkpoint could not be written
	 */
	public CheckpointStatus checkpoint(String name) {
		Unit unit = unit(name);
		try {
			checkpoint(unit, true);
		}
		catch (CheckpointException ex) {
			// retried with backoff like a failed scheduled checkpoint
			synchronized (unit) {
				if (!unit.running) {
					schedule(unit, retryDelay(unit));
				}
			}
			throw ex;
		}
		return unit.status();
	}

	private Duration retryDelay(Unit unit) {
		int failures = Math.max(1, unit.consecutiveFailures);
		return min(this.retryBackoff.multipliedBy(1L << Math.min(failures - 1, 20)), this.interval);
	}

	private boolean checkpoint(Unit unit, boolean force) {
		unit.writing.lock();
		try {
			CheckpointFencedException fenced = unit.fencedBy;
			if (fenced != null) {
				throw fenced;
			}
			CommandLog log = unit.log;
			if (log == null) {
				throw new IllegalStateException("'" + unit.storeName + "' has not been restored yet");
			}
			long started = System.nanoTime();
			String cursor;
			long changeCount;
			Checkpointable.Snapshot snapshot;
			List<AppliedCall> calls;
			unit.gate.writeLock().lock();
			try {
				cursor = log.flush();
				changeCount = unit.target.getChangeCount();
				if (!force && changeCount != -1 && changeCount == unit.lastChangeCount
						&& cursor.equals(unit.lastCheckpointCursor)) {
					return false;
				}
				snapshot = unit.target.snapshot();
				calls = unit.applied.copy();
			}
			finally {
				unit.gate.writeLock().unlock();
			}
			CheckpointManifest manifest = write(unit, cursor, snapshot, calls);
			CheckpointStore.PublishResult result = this.store.publish(unit.storeName, unit.epoch, manifest, this.keep);
			if (result.epochWasLost()) {
				logger.error("REDIS LOST DATA: the epoch of '" + unit.storeName + "' was missing when checkpoint "
						+ manifest.id() + " was published; this checkpoint restores the state, but calls acknowledged "
						+ "by other processes in between may be lost");
			}
			unit.lastCheckpointId = manifest.id();
			unit.lastCheckpointAt = Instant.ofEpochMilli(manifest.createdAt());
			unit.lastCheckpointSize = manifest.size();
			unit.lastCheckpointDuration = Duration.ofNanos(System.nanoTime() - started);
			unit.lastCheckpointCursor = cursor;
			unit.lastChangeCount = changeCount;
			unit.consecutiveFailures = 0;
			unit.checkpoints++;
			unit.logLength.addAndGet(-result.trimmed());
			if (logger.isDebugEnabled()) {
				logger.debug("Checkpoint " + manifest.id() + " of '" + unit.storeName + "': " + manifest.size()
						+ " bytes in " + manifest.chunks() + " chunks, log cursor " + cursor + ", "
						+ unit.lastCheckpointDuration.toMillis() + " ms");
			}
			return true;
		}
		catch (CheckpointFencedException ex) {
			fence(unit, ex);
			throw ex;
		}
		catch (RuntimeException | IOException ex) {
			unit.consecutiveFailures++;
			unit.failures++;
			unit.lastFailure = String.valueOf(ex);
			if (ex instanceof CheckpointException checkpointException) {
				throw checkpointException;
			}
			throw new CheckpointException("Checkpoint of '" + unit.storeName + "' failed: " + ex, ex);
		}
		finally {
			unit.writing.unlock();
		}
	}

	private CheckpointManifest write(Unit unit, String cursor, Checkpointable.Snapshot snapshot,
			List<AppliedCall> calls) throws IOException {
		long id = this.store.nextCheckpointId(unit.storeName);
		try (CheckpointStore.ChunkWriter chunks = this.store.openChunkWriter(unit.storeName, id)) {
			try {
				CheckpointFormat.Written written = CheckpointFormat.write(chunks::write, this.chunkSize,
						this.compression, calls, snapshot);
				chunks.finish();
				return new CheckpointManifest(id, unit.epoch, CheckpointFormat.VERSION, this.compression,
						written.chunks(), written.size(), written.checksum(), cursor, this.clock.millis());
			}
			catch (IOException | RuntimeException ex) {
				try {
					this.store.discard(unit.storeName, id, chunks.count());
				}
				catch (RuntimeException suppressed) {
					ex.addSuppressed(suppressed);
				}
				throw ex;
			}
		}
	}

	private void fence(Unit unit, CheckpointFencedException ex) {
		synchronized (unit) {
			if (unit.fencedBy != null) {
				return;
			}
			unit.fencedBy = ex;
			unit.fenced = true;
			if (unit.next != null) {
				unit.next.cancel(false);
			}
		}
		logger.error("FENCED: another process took over checkpoint '" + unit.storeName + "' (epoch "
				+ ex.getCurrentEpoch() + " > ours, " + ex.getEpoch() + "); this process no longer writes it and "
				+ "refuses its mutating calls");
	}

	private void schedule(Unit unit, Duration delay) {
		synchronized (unit) {
			ScheduledExecutorService executor = this.scheduler;
			if (executor == null || this.stopping || unit.fenced) {
				return;
			}
			if (unit.next != null) {
				unit.next.cancel(false);
			}
			unit.next = executor.schedule(() -> runScheduled(unit), delay.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Ask for a checkpoint as soon as possible, as when calls could not be logged or
	 * Redis lost its data.
	 * @param unit the checkpoint
	 */
	private void requestCheckpoint(Unit unit) {
		synchronized (unit) {
			unit.requested = true;
			if (!unit.running) {
				schedule(unit, Duration.ZERO);
			}
		}
	}

	private void runScheduled(Unit unit) {
		synchronized (unit) {
			unit.running = true;
			unit.requested = false;
		}
		Duration next = this.interval;
		try {
			checkpoint(unit, false);
		}
		catch (CheckpointFencedException ex) {
			return;
		}
		catch (RuntimeException ex) {
			next = retryDelay(unit);
			logger.warn("Checkpoint of '" + unit.storeName + "' failed (" + unit.consecutiveFailures
					+ " in a row), retrying in " + next + "; calls are still served and logged: " + ex.getMessage());
		}
		finally {
			synchronized (unit) {
				unit.running = false;
			}
		}
		synchronized (unit) {
			schedule(unit, (unit.requested && unit.consecutiveFailures == 0) ? Duration.ZERO : next);
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CheckpointException("Interrupted while restoring", ex);
		}
	}

	private final class LogListener implements CommandLog.Listener {

		private final Unit unit;

		LogListener(Unit unit) {
			this.unit = unit;
		}

		@Override
		public void appended(int count, boolean epochWasLost) {
			this.unit.logLength.addAndGet(count);
			if (epochWasLost) {
				logger.error("REDIS LOST DATA: the epoch of '" + this.unit.storeName + "' was missing when calls were "
						+ "logged; writing a checkpoint of the state in memory now");
				requestCheckpoint(this.unit);
			}
		}

		@Override
		public void fenced(CheckpointFencedException ex) {
			fence(this.unit, ex);
		}

		@Override
		public void unlogged(int count, Exception ex) {
			logger.error(count + " acknowledged calls to '" + this.unit.storeName + "' could not be logged (durability "
					+ "async): they are lost if this process dies before the next checkpoint, which is requested now: "
					+ ex);
			requestCheckpoint(this.unit);
		}

	}

	private record Loaded(long epoch, @Nullable CheckpointManifest manifest,
			CheckpointFormat.@Nullable Contents contents, int corrupt, List<CommandLogEntry> tail, String cursor,
			long logLength) {

	}

	/**
	 * One checkpoint: its state, command log, gate and status.
	 */
	static final class Unit {

		final String name;

		final String storeName;

		final Checkpointable target;

		/**
		 * Mutating calls hold the read lock across log append and execution; the cut
		 * holds the write lock.
		 */
		final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();

		final ReentrantLock writing = new ReentrantLock();

		final AppliedCalls applied;

		final AtomicLong logLength = new AtomicLong();

		volatile @Nullable CommandLog log;

		volatile long epoch;

		volatile boolean fenced;

		volatile @Nullable CheckpointFencedException fencedBy;

		volatile @Nullable Long lastCheckpointId;

		volatile @Nullable Instant lastCheckpointAt;

		volatile long lastCheckpointSize;

		volatile Duration lastCheckpointDuration = Duration.ZERO;

		volatile @Nullable String lastCheckpointCursor;

		volatile long lastChangeCount = Long.MIN_VALUE;

		volatile int consecutiveFailures;

		volatile long failures;

		volatile long checkpoints;

		volatile @Nullable String lastFailure;

		volatile int corruptSkipped;

		volatile long replayedCalls;

		volatile long skippedCalls;

		volatile Duration restoreDuration = Duration.ZERO;

		volatile Duration replayDuration = Duration.ZERO;

		@Nullable ScheduledFuture<?> next;

		boolean running;

		boolean requested;

		Unit(String name, String storeName, Checkpointable target, int rememberedCalls) {
			this.name = name;
			this.storeName = storeName;
			this.target = target;
			this.applied = new AppliedCalls(rememberedCalls);
		}

		CheckpointStatus status() {
			return new CheckpointStatus(this.name, this.storeName, this.epoch, this.fenced, this.lastCheckpointId,
					this.lastCheckpointAt, this.lastCheckpointSize, this.lastCheckpointDuration,
					this.consecutiveFailures, this.failures, this.checkpoints, this.lastFailure, this.logLength.get(),
					this.corruptSkipped, this.replayedCalls, this.skippedCalls, this.restoreDuration,
					this.replayDuration, this.applied.size());
		}

	}

	/**
	 * Builds a {@link CheckpointManager}; every setting has the default documented on it.
	 */
	public static final class Builder {

		private final CheckpointStore store;

		private final List<Checkpointable> checkpointables = new ArrayList<>();

		private @Nullable String nodeId;

		private Clock clock = Clock.systemUTC();

		private Duration interval = Duration.ofSeconds(30);

		private int keep = 2;

		private Compression compression = Compression.NONE;

		private int chunkSize = 1024 * 1024;

		private Durability durability = Durability.SYNC;

		private int replicas = 1;

		private Duration replicationTimeout = Duration.ofSeconds(1);

		private Duration logTimeout = Duration.ofSeconds(2);

		private Duration retryBackoff = Duration.ofSeconds(1);

		private Duration restoreTimeout = Duration.ofMinutes(1);

		private int rememberedCalls = 100_000;

		private Builder(CheckpointStore store) {
			this.store = store;
		}

		/**
		 * Add the states to checkpoint.
		 * @param checkpointables the states, one per checkpoint name
		 * @return this builder
		 */
		public Builder checkpointables(List<? extends Checkpointable> checkpointables) {
			this.checkpointables.addAll(checkpointables);
			return this;
		}

		/**
		 * Set the identity of this process's state (default: none): stored names become
		 * {@code <nodeId>/<name>}.
		 * @param nodeId the node id, or {@code null}
		 * @return this builder
		 */
		public Builder nodeId(@Nullable String nodeId) {
			if (nodeId != null && !NODE_ID.matcher(nodeId).matches()) {
				throw new IllegalArgumentException("nodeId: " + nodeId + " (expected: letters, digits and . _ : @ -)");
			}
			this.nodeId = nodeId;
			return this;
		}

		/**
		 * Set the clock (default: UTC system clock).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Set the time between scheduled checkpoints (default 30s).
		 * @param interval the interval, positive
		 * @return this builder
		 */
		public Builder interval(Duration interval) {
			positive("interval", interval);
			this.interval = interval;
			return this;
		}

		/**
		 * Set how many checkpoints are kept (default 2).
		 * @param keep at least 1
		 * @return this builder
		 */
		public Builder keep(int keep) {
			if (keep < 1) {
				throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
			}
			this.keep = keep;
			return this;
		}

		/**
		 * Set the compression (default none).
		 * @param compression the compression
		 * @return this builder
		 */
		public Builder compression(Compression compression) {
			this.compression = compression;
			return this;
		}

		/**
		 * Set the size of a chunk (default 1 MiB).
		 * @param chunkSize between 1 KiB and 512 MiB
		 * @return this builder
		 */
		public Builder chunkSize(int chunkSize) {
			if (chunkSize < 1024 || chunkSize > 512 * 1024 * 1024) {
				throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: 1 KiB to 512 MiB)");
			}
			this.chunkSize = chunkSize;
			return this;
		}

		/**
		 * Set the durability of command log appends (default sync).
		 * @param durability the durability
		 * @return this builder
		 */
		public Builder durability(Durability durability) {
			this.durability = durability;
			return this;
		}

		/**
		 * Set how many replicas must acknowledge a log append with
		 * {@link Durability#REPLICATED} (default 1).
		 * @param replicas at least 1
		 * @return this builder
		 */
		public Builder replicas(int replicas) {
			if (replicas < 1) {
				throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 1)");
			}
			this.replicas = replicas;
			return this;
		}

		/**
		 * Set how long to wait for replicas (default 1s).
		 * @param replicationTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder replicationTimeout(Duration replicationTimeout) {
			positive("replicationTimeout", replicationTimeout);
			this.replicationTimeout = replicationTimeout;
			return this;
		}

		/**
		 * Set how long a mutating call waits for its log append (default 2s).
		 * @param logTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder logTimeout(Duration logTimeout) {
			positive("logTimeout", logTimeout);
			this.logTimeout = logTimeout;
			return this;
		}

		/**
		 * Set the delay before the first retry of a failed checkpoint (default 1s); it
		 * doubles with every failure, up to the interval.
		 * @param retryBackoff the delay, positive
		 * @return this builder
		 */
		public Builder retryBackoff(Duration retryBackoff) {
			positive("retryBackoff", retryBackoff);
			this.retryBackoff = retryBackoff;
			return this;
		}

		/**
		 * Set how long a restore retries while Redis is unavailable (default 1m).
		 * @param restoreTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder restoreTimeout(Duration restoreTimeout) {
			positive("restoreTimeout", restoreTimeout);
			this.restoreTimeout = restoreTimeout;
			return this;
		}

		/**
		 * Set how many idempotency keys of applied calls are remembered per checkpoint
		 * (default 100,000).
		 * @param rememberedCalls at least 0
		 * @return this builder
		 */
		public Builder rememberedCalls(int rememberedCalls) {
			if (rememberedCalls < 0) {
				throw new IllegalArgumentException("rememberedCalls: " + rememberedCalls + " (expected: >= 0)");
			}
			this.rememberedCalls = rememberedCalls;
			return this;
		}

		/**
		 * Build the manager.
		 * @return the manager
		 */
		public CheckpointManager build() {
			return new CheckpointManager(this);
		}

		private static void positive(String name, Duration value) {
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
			}
		}

	}

}
