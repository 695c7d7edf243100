package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The command log of one partition: appends entries one batch at a time, each batch being
 * whatever has queued up while the previous one was written (group commit), so that many
 * concurrent calls share one round trip to Redis. The batches of one log are written one
 * after another, by a task on a writer pool that the logs of all partitions share. With
 * {@link Durability#ASYNC} callers do not wait.
 *
 * <p>
 * An append either certainly did not reach the log (it was refused or never sent, or the
 * log was fenced before it was sent: {@link CommandLogException#notAppended()}) or may
 * have: a timeout, a lost connection, a {@code WAIT} that did not get its replicas, or a
 * batch refused by a newer epoch (the client may have sent it twice, the first time
 * before the fence). After the first append of unknown outcome the log stops: every later
 * append is refused without being sent, so that nothing is logged after an entry whose
 * fate is unknown until the partition resyncs (a newer epoch, which fences the entry
 * should it still arrive, and a read of the log after the cursor, which tells whether it
 * did).
 */
final class CommandLog {

	private static final Log logger = LogFactory.getLog(CommandLog.class);

	private static final int MAX_BATCH = 256;

	private static final int CAPACITY = 64 * 1024;

	private static final int QUEUED = 0;

	private static final int TAKEN = 1;

	private static final int CANCELLED = 2;

	private final CheckpointStore store;

	private final String storeName;

	private final long epoch;

	private final Durability durability;

	private final int replicas;

	private final Duration replicationTimeout;

	private final Duration timeout;

	private final Listener listener;

	private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(CAPACITY);

	private final Executor writers;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private volatile String cursor;

	private volatile @Nullable CheckpointFencedException fenced;

	private volatile @Nullable Throwable stopped;

	private volatile boolean closed;

	CommandLog(CheckpointStore store, String storeName, long epoch, Durability durability, int replicas,
			Duration replicationTimeout, Duration timeout, String cursor, Listener listener, Executor writers) {
		this.store = store;
		this.storeName = storeName;
		this.epoch = epoch;
		this.durability = durability;
		this.replicas = replicas;
		this.replicationTimeout = replicationTimeout;
		this.timeout = timeout;
		this.cursor = cursor;
		this.listener = listener;
		this.writers = writers;
	}

	/**
	 * Return the id of the last entry appended.
	 * @return the cursor
	 */
	String cursor() {
		return this.cursor;
	}

	@Nullable CheckpointFencedException fenced() {
		return this.fenced;
	}

	/**
	 * Append an entry: with {@link Durability#ASYNC} return once it is queued, else once
	 * it is written (and replicated).
	 * @param entry the entry
	 * @throws CommandLogException if it could not be queued or written in time
	 */
	void append(CommandLogEntry entry) {
		CheckpointFencedException fencedBy = this.fenced;
		if (fencedBy != null) {
			throw new CommandLogException("fenced", fencedBy.getMessage(), fencedBy, true);
		}
		if (this.closed) {
			throw new CommandLogException("closed", "the command log is closed", null, true);
		}
		Throwable stoppedBy = this.stopped;
		if (stoppedBy != null) {
			throw stoppedException(stoppedBy);
		}
		Pending pending = new Pending(entry);
		try {
			if (!this.queue.offer(pending, this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new CommandLogException("queue-full", "the command log queue stayed full for " + this.timeout,
						null, true);
			}
			schedule();
			if (this.durability != Durability.ASYNC) {
				await(pending);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			boolean cancelled = pending.state.compareAndSet(QUEUED, CANCELLED);
			throw new CommandLogException("interrupted", "interrupted while appending to the command log", ex,
					cancelled);
		}
	}

	private void await(Pending pending) throws InterruptedException {
		try {
			pending.done.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			return;
		}
		catch (TimeoutException ex) {
			if (pending.state.compareAndSet(QUEUED, CANCELLED)) {
				throw new CommandLogException("timeout", "the command log append was not sent within " + this.timeout,
						null, true);
			}
		}
		catch (ExecutionException ex) {
			throw failure(ex.getCause());
		}
		// the writer is sending it: its outcome decides
		try {
			pending.done.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new CommandLogException("timeout", "the command log append did not complete within "
					+ this.timeout.multipliedBy(2) + "; it may still be written", null, false);
		}
		catch (ExecutionException ex) {
			throw failure(ex.getCause());
		}
	}

	private static CommandLogException failure(@Nullable Throwable cause) {
		if (cause instanceof CommandLogException logException) {
			return logException;
		}
		if (cause instanceof CheckpointFencedException fencedException) {
			return new CommandLogException("fenced", fencedException.getMessage(), fencedException, true);
		}
		return new CommandLogException("redis", "the command log append may or may not have been written: " + cause,
				cause, false);
	}

	private static CommandLogException stoppedException(Throwable cause) {
		return new CommandLogException("stopped",
				"the command log stopped after an append of unknown outcome, until the partition resyncs: " + cause,
				cause, true);
	}

	/**
	 * Wait until every entry queued before is written or failed.
	 * @return the cursor after them
	 * @throws CommandLogException if that takes longer than the timeout
	 */
	String flush() {
		Pending marker = new Pending(null);
		try {
			if (!this.queue.offer(marker, this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new CommandLogException("queue-full", "the command log queue stayed full for " + this.timeout,
						null, true);
			}
			schedule();
			marker.done.get(this.timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CommandLogException("interrupted", "interrupted while flushing the command log", ex, true);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw new CommandLogException("timeout", "the command log was not flushed in time", ex, true);
		}
		return this.cursor;
	}

	void close() {
		this.closed = true;
		CommandLogException failure = new CommandLogException("closed", "the command log is closed", null, true);
		for (Pending pending; (pending = this.queue.poll()) != null;) {
			pending.done.completeExceptionally(failure);
		}
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			try {
				this.writers.execute(this::drain);
			}
			catch (RuntimeException ex) {
				this.scheduled.set(false);
				failQueued(new CommandLogException("rejected", "no command log writer is available: " + ex, ex, true));
			}
		}
	}

	/**
	 * Write batches until the queue is empty, then let the next append schedule this
	 * again.
	 */
	private void drain() {
		List<Pending> batch = new ArrayList<>(MAX_BATCH);
		List<Pending> entries = new ArrayList<>(MAX_BATCH);
		while (true) {
			this.queue.drainTo(batch, MAX_BATCH);
			if (batch.isEmpty()) {
				this.scheduled.set(false);
				// an append that queued after the drain and saw the flag still set is
				// taken here
				if (this.queue.isEmpty() || !this.scheduled.compareAndSet(false, true)) {
					return;
				}
				continue;
			}
			if (this.closed) {
				fail(batch, new CommandLogException("closed", "the command log is closed", null, true));
				batch.clear();
				continue;
			}
			for (Pending pending : batch) {
				if (pending.entry != null && pending.state.compareAndSet(QUEUED, TAKEN)) {
					entries.add(pending);
				}
			}
			if (!entries.isEmpty()) {
				write(entries);
			}
			for (Pending pending : batch) {
				if (pending.entry == null) {
					pending.done.complete(null);
				}
			}
			batch.clear();
			entries.clear();
		}
	}

	private void failQueued(CommandLogException failure) {
		for (Pending pending; (pending = this.queue.poll()) != null;) {
			pending.done.completeExceptionally(failure);
		}
	}

	private void write(List<Pending> pendings) {
		CheckpointFencedException fencedBy = this.fenced;
		if (fencedBy != null) {
			fail(pendings, fencedBy);
			return;
		}
		Throwable stoppedBy = this.stopped;
		if (stoppedBy != null) {
			fail(pendings, stoppedException(stoppedBy));
			return;
		}
		List<CommandLogEntry> entries = new ArrayList<>(pendings.size());
		for (Pending pending : pendings) {
			entries.add(pending.entry);
		}
		CheckpointStore.AppendResult result;
		try {
			result = this.store.append(this.storeName, this.epoch, entries);
		}
		catch (CheckpointFencedException ex) {
			// the log is fenced from now on, but this batch's outcome is unknown: Lettuce
			// sends a command again after a reconnect (at least once), so the refusal may
			// answer a second run of a script whose first run appended the batch before
			// the new epoch was taken, and whose reply was lost with the connection
			this.fenced = ex;
			fail(pendings, new CommandLogException("fenced", "the command log append was refused by a newer epoch, "
					+ "but an earlier run of it may have been written: " + ex.getMessage(), ex, false));
			this.listener.fenced(ex);
			return;
		}
		catch (RuntimeException ex) {
			stop(ex);
			fail(pendings, ex);
			if (this.durability == Durability.ASYNC) {
				this.listener.unlogged(pendings.size(), ex);
			}
			return;
		}
		List<String> ids = result.ids();
		if (!ids.isEmpty()) {
			this.cursor = StreamIds.max(this.cursor, ids.get(ids.size() - 1));
		}
		this.listener.appended(ids.size(), result.epochWasLost());
		if (this.durability == Durability.REPLICATED) {
			try {
				int acknowledged = this.store.awaitReplicas(this.storeName, this.replicas, this.replicationTimeout);
				if (acknowledged < this.replicas) {
					// written to the primary, not known to survive its failover: not
					// acknowledged
					CommandLogException failure = new CommandLogException("replication",
							acknowledged + " of " + this.replicas + " replicas acknowledged the command log within "
									+ this.replicationTimeout + "; the calls are logged on the primary only",
							null, false);
					stop(failure);
					fail(pendings, failure);
					return;
				}
			}
			catch (RuntimeException ex) {
				stop(ex);
				fail(pendings, ex);
				return;
			}
		}
		for (Pending pending : pendings) {
			pending.done.complete(null);
		}
	}

	private void stop(Throwable cause) {
		if (this.stopped == null) {
			this.stopped = cause;
			this.listener.stopped(cause);
		}
	}

	/**
	 * Whether an append of unknown outcome stopped the log.
	 * @return whether it refuses appends until replaced
	 */
	boolean isStopped() {
		return this.stopped != null;
	}

	private static void fail(List<Pending> pendings, Throwable failure) {
		for (Pending pending : pendings) {
			pending.done.completeExceptionally(failure);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Command log append of " + pendings.size() + " entries failed", failure);
		}
	}

	/**
	 * What the owner of the log hears about.
	 */
	interface Listener {

		void appended(int count, boolean epochWasLost);

		void fenced(CheckpointFencedException ex);

		void unlogged(int count, Exception ex);

		/**
		 * An append's outcome is unknown: the log refuses appends from now on.
		 * @param cause what happened
		 */
		void stopped(Throwable cause);

	}

	private static final class Pending {

		private final @Nullable CommandLogEntry entry;

		private final AtomicInteger state = new AtomicInteger(QUEUED);

		private final CompletableFuture<@Nullable Void> done = new CompletableFuture<>();

		Pending(@Nullable CommandLogEntry entry) {
			this.entry = entry;
		}

	}

	/**
	 * A command log append that failed.
	 */
	static final class CommandLogException extends RuntimeException {

		private final String reason;

		private final boolean notAppended;

		CommandLogException(String reason, @Nullable String message, @Nullable Throwable cause, boolean notAppended) {
			super(message, cause);
			this.reason = reason;
			this.notAppended = notAppended;
		}

		String reason() {
			return this.reason;
		}

		/**
		 * Whether the entry certainly did not reach the log: it was refused or never
		 * sent. Otherwise it may be in the log.
		 * @return whether the call certainly was not logged
		 */
		boolean notAppended() {
			return this.notAppended;
		}

	}

}
