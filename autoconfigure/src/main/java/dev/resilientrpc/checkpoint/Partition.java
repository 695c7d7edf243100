package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jspecify.annotations.Nullable;

/**
 * A unit of checkpointed state: a {@link Checkpointable}, the records of the mutating
 * calls it took (idempotency and ordering), its command log and the epoch it writes with.
 * It is what is loaded (newest valid checkpoint and the log after it), what a mutating
 * call runs against, what is checkpointed and what is fenced. A node's own state of a
 * checkpoint name is one partition; so is each slot of a {@code PartitionedState} a node
 * holds, on whichever node holds it: owner, successor and a node healing itself use the
 * same code.
 *
 * <p>
 * Only a partition that is {@link State#SERVING} runs calls. Mutating calls hold the read
 * side of its gate from their admission until they are recorded; a checkpoint cut and a
 * resync hold the write side, so they see no call half done.
 */
public final class Partition {

	/**
	 * Where a partition is in its life.
	 */
	public enum State {

		/** Being loaded; not serving yet. */
		LOADING,

		/** Serving calls with its epoch. */
		SERVING,

		/**
		 * A log append's outcome is unknown: no call runs until a resync (a newer epoch
		 * and a read of the log) tells whether it reached the log.
		 */
		RESYNC_NEEDED,

		/** Another process holds a newer epoch: this one no longer serves or writes. */
		FENCED,

		/** Closed: given up or handed over. */
		CLOSED

	}

	private final String name;

	private final String storeName;

	private final Checkpointable target;

	private final PartitionRecords records;

	/**
	 * Mutating calls hold the read lock from admission to record; cut and resync the
	 * write lock.
	 */
	final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();

	/** Held while a checkpoint is written, so that two are never written at once. */
	final ReentrantLock writing = new ReentrantLock();

	final AtomicLong logLength = new AtomicLong();

	private volatile State state = State.LOADING;

	private volatile long epoch;

	private volatile @Nullable CommandLog log;

	private volatile @Nullable CheckpointFencedException fencedBy;

	private final AtomicLong nextResyncTry = new AtomicLong();

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

	Partition(String name, String storeName, Checkpointable target, int rememberedCalls) {
		this.name = name;
		this.storeName = storeName;
		this.target = target;
		this.records = new PartitionRecords(rememberedCalls);
	}

	/**
	 * Return the checkpoint name of the state.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return the name the partition is stored under, such as {@code 10.0.0.1:8081/orders}
	 * or {@code kv/0017}.
	 * @return the store name
	 */
	public String getStoreName() {
		return this.storeName;
	}

	/**
	 * Return the state the partition's calls run against.
	 * @return the state
	 */
	public Checkpointable getTarget() {
		return this.target;
	}

	/**
	 * Return where the partition is in its life.
	 * @return the state
	 */
	public State getState() {
		return this.state;
	}

	/**
	 * Return the epoch the partition writes with.
	 * @return the epoch, 0 before it is loaded
	 */
	public long getEpoch() {
		return this.epoch;
	}

	/**
	 * Whether the partition serves calls now.
	 * @return whether it is {@link State#SERVING}
	 */
	public boolean isServing() {
		return this.state == State.SERVING;
	}

	PartitionRecords records() {
		return this.records;
	}

	@Nullable CommandLog log() {
		return this.log;
	}

	@Nullable CheckpointFencedException fencedBy() {
		return this.fencedBy;
	}

	/**
	 * Start serving with an epoch and a log that continues after the given cursor.
	 */
	void serve(long epoch, CommandLog log) {
		CommandLog previous = this.log;
		this.epoch = epoch;
		this.log = log;
		this.state = State.SERVING;
		if (previous != null && previous != log) {
			previous.close();
		}
	}

	/**
	 * Whether a call may try to resync the partition now: one try every quarter second at
	 * most, so that calls arriving while Redis is away do not all wait for it.
	 * @return whether this caller should try
	 */
	boolean mayTryResync() {
		long now = System.nanoTime();
		long next = this.nextResyncTry.get();
		return now - next >= 0 && this.nextResyncTry.compareAndSet(next, now + 250_000_000L);
	}

	void needResync() {
		if (this.state == State.SERVING) {
			this.state = State.RESYNC_NEEDED;
		}
	}

	/**
	 * Stop serving because a newer epoch exists.
	 * @param ex what said so
	 * @return whether this call fenced it (it was not fenced or closed before)
	 */
	boolean fence(CheckpointFencedException ex) {
		synchronized (this) {
			if (this.state == State.FENCED || this.state == State.CLOSED) {
				return false;
			}
			this.fencedBy = ex;
			this.state = State.FENCED;
		}
		return true;
	}

	/**
	 * Stop serving for good, cleanly: wait until no mutating call is half done, make sure
	 * every entry it took is written, then close the log. What a node does before it
	 * hands the partition to another.
	 * @return the id of the last entry in the log
	 * @throws RuntimeException if the log cannot be flushed: the partition is closed
	 * anyway, and whoever takes it next reads the log as it is
	 */
	public String drain() {
		this.gate.writeLock().lock();
		try {
			CommandLog current = this.log;
			this.state = State.CLOSED;
			return (current != null) ? current.flush() : StreamIds.ZERO;
		}
		finally {
			this.gate.writeLock().unlock();
			close();
		}
	}

	/**
	 * Stop serving and close the log.
	 */
	public void close() {
		this.state = State.CLOSED;
		CommandLog current = this.log;
		if (current != null) {
			current.close();
		}
	}

	/**
	 * Return the status of the partition.
	 * @return the status
	 */
	public CheckpointStatus status() {
		return new CheckpointStatus(this.name, this.storeName, this.epoch, this.state == State.FENCED,
				this.lastCheckpointId, this.lastCheckpointAt, this.lastCheckpointSize, this.lastCheckpointDuration,
				this.consecutiveFailures, this.failures, this.checkpoints, this.lastFailure, this.logLength.get(),
				this.corruptSkipped, this.replayedCalls, this.skippedCalls, this.restoreDuration, this.replayDuration,
				this.records.size());
	}

	@Override
	public String toString() {
		return "Partition '" + this.storeName + "' (epoch " + this.epoch + ", " + this.state + ")";
	}

}
