package dev.resilientrpc.checkpoint;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.ordering.CallOutcomes;

/**
 * Restores, checkpoints and logs a node's own {@link Checkpointable} state, one
 * {@link Partition} per {@link Checkpointable#getCheckpointName() name}.
 *
 * <p>
 * Lifecycle: {@link #restore(CommandReplayer)} once, before any call is served: for each
 * checkpoint it acquires a new epoch (fencing off the process it replaces) and loads the
 * newest checkpoint whose checksum holds and the command log after it
 * ({@link PartitionLoader}). {@link #start()} then schedules checkpoints on the interval
 * ({@link PartitionScheduler}); {@link #stop()} writes a last checkpoint.
 * {@link #checkpoint(String)} writes one on demand. A partition whose log append had an
 * unknown outcome resyncs with a newer epoch ({@link #resync(Partition)}).
 */
public final class CheckpointManager {

	private static final Log logger = LogFactory.getLog(CheckpointManager.class);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:@-]+");

	private final CheckpointStore store;

	private final PartitionOptions options;

	private final PartitionLoader loader;

	private final Checkpointer checkpointer;

	private final Duration restoreTimeout;

	private final Map<String, Partition> partitions;

	private final Listener listener = new Listener();

	private volatile @Nullable CommandReplayer replayer;

	private @Nullable PartitionScheduler scheduler;

	private CheckpointManager(Builder builder) {
		this.store = builder.store;
		this.options = new PartitionOptions(builder.durability, builder.replicas, builder.replicationTimeout,
				builder.logTimeout, builder.interval, builder.keep, builder.compression, builder.chunkSize,
				builder.retryBackoff);
		this.loader = new PartitionLoader(this.store, this.options, new CallOutcomes(builder.mapper));
		this.checkpointer = new Checkpointer(this.store, this.options, builder.clock);
		this.restoreTimeout = builder.restoreTimeout;
		Map<String, Partition> partitions = new LinkedHashMap<>();
		for (Checkpointable checkpointable : builder.checkpointables) {
			String name = checkpointable.getCheckpointName();
			if (name == null || !NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("Checkpoint name '" + name + "' of " + checkpointable
						+ " is invalid (expected: letters, digits, '.', '_' or '-')");
			}
			String storeName = (builder.nodeId != null) ? builder.nodeId + "/" + name : name;
			Partition previous = partitions.put(name,
					this.loader.create(name, storeName, checkpointable, builder.rememberedCalls));
			if (previous != null) {
				throw new IllegalArgumentException("Two checkpointables are named '" + name + "': "
						+ previous.getTarget() + " and " + checkpointable + " (expected: one per checkpoint name)");
			}
		}
		this.partitions = Collections.unmodifiableMap(partitions);
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
		return this.partitions.keySet();
	}

	/**
	 * Return the status of every checkpoint.
	 * @return the statuses, by name
	 */
	public List<CheckpointStatus> getStatuses() {
		List<CheckpointStatus> statuses = new ArrayList<>();
		for (Partition partition : this.partitions.values()) {
			statuses.add(partition.status());
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
		return partition(name).status();
	}

	/**
	 * Return the durability of command log appends.
	 * @return the durability
	 */
	public Durability getDurability() {
		return this.options.durability();
	}

	/**
	 * Return how partitions are logged and checkpointed.
	 * @return the options
	 */
	public PartitionOptions getOptions() {
		return this.options;
	}

	/**
	 * Return the loader, which partitions held elsewhere in this process (slots) share.
	 * @return the loader
	 */
	public PartitionLoader getLoader() {
		return this.loader;
	}

	/**
	 * Return the checkpointer, which partitions held elsewhere in this process share.
	 * @return the checkpointer
	 */
	public Checkpointer getCheckpointer() {
		return this.checkpointer;
	}

	/**
	 * Return the partition of a checkpoint name, with how to resync it.
	 * @param name the checkpoint name
	 * @return the binding, or {@code null} if there is no such checkpoint
	 */
	public @Nullable PartitionBinding findBinding(String name) {
		Partition partition = this.partitions.get(name);
		return (partition != null) ? new PartitionBinding(partition, this::resync) : null;
	}

	Partition partition(String name) {
		Partition partition = this.partitions.get(name);
		if (partition == null) {
			throw new IllegalArgumentException(
					"No checkpoint named '" + name + "' (known: " + this.partitions.keySet() + ")");
		}
		return partition;
	}

	/**
	 * Restore every checkpoint and replay its command log. Redis failures are retried
	 * with backoff for up to the restore timeout.
	 * @param replayer runs logged calls again, or {@code null} if this process serves no
	 * JSON-RPC (then a non-empty log is an error)
	 * @throws CheckpointException if a state cannot be restored
	 */
	public void restore(@Nullable CommandReplayer replayer) {
		this.replayer = replayer;
		for (Partition partition : this.partitions.values()) {
			long epoch = withRetries(partition, "read the checkpoints of", () -> {
				long acquired = acquireEpoch(partition);
				String cursor = this.loader.load(partition, replayer);
				this.loader.serve(partition, acquired, cursor, this.listener);
				return acquired;
			});
			if (logger.isInfoEnabled()) {
				logger.info("Restored '" + partition.getStoreName() + "' with epoch " + epoch + " from "
						+ ((partition.lastCheckpointId != null) ? "checkpoint " + partition.lastCheckpointId + " ("
								+ partition.lastCheckpointSize + " bytes, taken " + partition.lastCheckpointAt + ")"
								: "no checkpoint")
						+ " and " + partition.replayedCalls + " replayed calls (" + partition.skippedCalls
						+ " skipped as already applied) in " + partition.restoreDuration.toMillis() + " ms");
			}
		}
	}

	/**
	 * Acquire a new epoch for a partition and, with {@link Durability#REPLICATED}, wait
	 * until a replica has it: an epoch lost in a failover to a replica would let two
	 * writers write.
	 */
	private long acquireEpoch(Partition partition) {
		long epoch = this.store.acquireEpoch(partition.getStoreName());
		int replicas = this.options.requiredReplicas();
		if (replicas > 0) {
			int acknowledged = this.store.awaitReplicas(partition.getStoreName(), replicas,
					this.options.replicationTimeout());
			if (acknowledged < replicas) {
				throw new IllegalStateException(acknowledged + " of " + replicas + " replicas acknowledged epoch "
						+ epoch + " of '" + partition.getStoreName() + "' within " + this.options.replicationTimeout());
			}
		}
		return epoch;
	}

	private <T> T withRetries(Partition partition, String what, java.util.function.Supplier<T> action) {
		long deadline = System.nanoTime() + this.restoreTimeout.toNanos();
		Duration delay = this.options.retryBackoff();
		while (true) {
			try {
				return action.get();
			}
			catch (CheckpointException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() + delay.toNanos() > deadline) {
					throw new CheckpointException(
							"Could not " + what + " '" + partition.getStoreName() + "' within " + this.restoreTimeout,
							ex);
				}
				logger.warn(
						"Could not " + what + " '" + partition.getStoreName() + "', retrying in " + delay + ": " + ex);
				sleep(delay);
				Duration doubled = delay.multipliedBy(2);
				delay = (doubled.compareTo(Duration.ofSeconds(5)) < 0) ? doubled : Duration.ofSeconds(5);
			}
		}
	}

	/**
	 * Resync a partition whose log append had an unknown outcome: a newer epoch, then the
	 * log after its cursor.
	 * @param partition the partition
	 * @throws RuntimeException if Redis cannot be reached
	 */
	public void resync(Partition partition) {
		CommandReplayer current = this.replayer;
		if (current == null) {
			throw new IllegalStateException("'" + partition.getStoreName() + "' has no replayer: not restored");
		}
		synchronized (partition) {
			if (partition.getState() != Partition.State.RESYNC_NEEDED) {
				return;
			}
			this.loader.resync(partition, acquireEpoch(partition), current, this.listener);
		}
	}

	/**
	 * Schedule checkpoints on the interval. Call after {@link #restore(CommandReplayer)}.
	 */
	public synchronized void start() {
		if (this.scheduler != null || this.partitions.isEmpty()) {
			return;
		}
		PartitionScheduler started = new PartitionScheduler("rrpc-checkpoint", this.checkpointer, this.options,
				this::resync);
		this.partitions.values().forEach(started::add);
		this.scheduler = started;
	}

	/**
	 * Stop scheduling, write a last checkpoint of every changed state and close the
	 * command logs. Call once no more calls are served.
	 */
	public void stop() {
		PartitionScheduler current;
		synchronized (this) {
			current = this.scheduler;
			this.scheduler = null;
		}
		if (current != null) {
			current.shutdown();
		}
		for (Partition partition : this.partitions.values()) {
			if (partition.log() == null) {
				continue;
			}
			if (partition.isServing()) {
				try {
					this.checkpointer.checkpoint(partition, false);
				}
				catch (CheckpointFencedException ex) {
					logger.warn("No last checkpoint of '" + partition.getStoreName() + "' before shutdown: another "
							+ "process has taken it over");
				}
				catch (RuntimeException ex) {
					logger.error(
							"The last checkpoint of '" + partition.getStoreName() + "' before shutdown failed; "
									+ "its state will be restored from the previous checkpoint and the command log",
							ex);
				}
			}
			partition.close();
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
		Partition partition = partition(name);
		try {
			this.checkpointer.checkpoint(partition, true);
		}
		catch (CheckpointFencedException ex) {
			this.listener.fenced(partition, ex);
			throw ex;
		}
		catch (CheckpointException ex) {
			// retried with backoff like a failed scheduled checkpoint
			PartitionScheduler current = this.scheduler;
			if (current != null) {
				current.requestCheckpoint(partition);
			}
			throw ex;
		}
		return partition.status();
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

	private final class Listener implements PartitionListener {

		@Override
		public void fenced(Partition partition, CheckpointFencedException ex) {
			partition.fence(ex);
			PartitionScheduler current = CheckpointManager.this.scheduler;
			if (current != null) {
				current.remove(partition);
			}
			logger.error("FENCED: another process took over checkpoint '" + partition.getStoreName() + "' (epoch "
					+ ex.getCurrentEpoch() + " > ours, " + ex.getEpoch() + "); this process no longer writes it and "
					+ "refuses its mutating calls");
		}

		@Override
		public void resyncNeeded(Partition partition, Throwable cause) {
			PartitionScheduler current = CheckpointManager.this.scheduler;
			if (current != null) {
				current.requestResync(partition);
			}
		}

		@Override
		public void checkpointNeeded(Partition partition) {
			PartitionScheduler current = CheckpointManager.this.scheduler;
			if (current != null) {
				current.requestCheckpoint(partition);
			}
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

		private ObjectMapper mapper = JsonMapper.builder().build();

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
		 * Set the JSON mapper results are recorded with (default: a plain one); the
		 * server's, so that a replayed result is the JSON the first call was answered
		 * with.
		 * @param mapper the mapper
		 * @return this builder
		 */
		public Builder mapper(ObjectMapper mapper) {
			this.mapper = mapper;
			return this;
		}

		/**
		 * Set the time between scheduled checkpoints (default 30s).
		 * @param interval the interval, positive
		 * @return this builder
		 */
		public Builder interval(Duration interval) {
			this.interval = interval;
			return this;
		}

		/**
		 * Set how many checkpoints are kept (default 2).
		 * @param keep at least 1
		 * @return this builder
		 */
		public Builder keep(int keep) {
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
			this.replicas = replicas;
			return this;
		}

		/**
		 * Set how long to wait for replicas (default 1s).
		 * @param replicationTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder replicationTimeout(Duration replicationTimeout) {
			this.replicationTimeout = replicationTimeout;
			return this;
		}

		/**
		 * Set how long a mutating call waits for its log append (default 2s).
		 * @param logTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder logTimeout(Duration logTimeout) {
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
			this.retryBackoff = retryBackoff;
			return this;
		}

		/**
		 * Set how long a restore retries while Redis is unavailable (default 1m).
		 * @param restoreTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder restoreTimeout(Duration restoreTimeout) {
			if (restoreTimeout.isNegative() || restoreTimeout.isZero()) {
				throw new IllegalArgumentException("restoreTimeout: " + restoreTimeout + " (expected: > 0)");
			}
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
		 * @throws IllegalArgumentException if a setting is out of range
		 */
		public CheckpointManager build() {
			return new CheckpointManager(this);
		}

	}

}
