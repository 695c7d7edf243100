package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The command log of one checkpoint: appends entries through one writer thread that sends
 * whatever has queued up meanwhile as one batch (group commit), so that many concurrent
 * calls share one round trip to Redis. With {@link Durability#ASYNC} callers do not wait.
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

	private final Thread writer;

	private volatile String cursor;

	private volatile @Nullable CheckpointFencedException fenced;

	private volatile boolean closed;

	CommandLog(CheckpointStore store, String storeName, long epoch, Durability durability, int replicas,
			Duration replicationTimeout, Duration timeout, String cursor, Listener listener) {
		this.store = store;
		this.storeName = storeName;
		this.epoch = epoch;
		this.durability = durability;
		this.replicas = replicas;
		this.replicationTimeout = replicationTimeout;
		this.timeout = timeout;
		this.cursor = cursor;
		this.listener = listener;
		this.writer = new Thread(this::run, "rrpc-command-log-" + storeName);
		this.writer.setDaemon(true);
		this.writer.start();
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
			throw new CommandLogException("fenced", fencedBy.getMessage(), fencedBy);
		}
		if (this.closed) {
			throw new CommandLogException("closed", "the command log is closed", null);
		}
		Pending pending = new Pending(entry);
		try {
			if (!this.queue.offer(pending, this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new CommandLogException("queue-full", "the command log queue stayed full for " + this.timeout,
						null);
			}
			if (this.durability != Durability.ASYNC) {
				await(pending);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			pending.state.compareAndSet(QUEUED, CANCELLED);
			throw new CommandLogException("interrupted", "interrupted while appending to the command log", ex);
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
						null);
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
					+ this.timeout.multipliedBy(2) + "; it may still be written", null);
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
			return new CommandLogException("fenced", fencedException.getMessage(), fencedException);
		}
		return new CommandLogException("redis", "the command log append failed: " + cause, cause);
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
						null);
			}
			marker.done.get(this.timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CommandLogException("interrupted", "interrupted while flushing the command log", ex);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw new CommandLogException("timeout", "the command log was not flushed in time", ex);
		}
		return this.cursor;
	}

	void close() {
		this.closed = true;
		this.writer.interrupt();
		try {
			this.writer.join(this.timeout.toMillis() * 2);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		CommandLogException failure = new CommandLogException("closed", "the command log is closed", null);
		for (Pending pending; (pending = this.queue.poll()) != null;) {
			pending.done.completeExceptionally(failure);
		}
	}

	private void run() {
		List<Pending> batch = new ArrayList<>(MAX_BATCH);
		List<Pending> entries = new ArrayList<>(MAX_BATCH);
		while (!this.closed) {
			try {
				batch.add(this.queue.take());
			}
			catch (InterruptedException ex) {
				if (this.closed) {
					break;
				}
				continue;
			}
			this.queue.drainTo(batch, MAX_BATCH - 1);
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
		// a flush or append racing with close must not wait for its timeout
		for (Pending pending; (pending = this.queue.poll()) != null;) {
			pending.done.completeExceptionally(new CommandLogException("closed", "the command log is closed", null));
		}
	}

	private void write(List<Pending> pendings) {
		CheckpointFencedException fencedBy = this.fenced;
		if (fencedBy != null) {
			fail(pendings, fencedBy);
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
			this.fenced = ex;
			fail(pendings, ex);
			this.listener.fenced(ex);
			return;
		}
		catch (RuntimeException ex) {
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
					fail(pendings,
							new CommandLogException("replication", acknowledged + " of " + this.replicas
									+ " replicas acknowledged the command log within " + this.replicationTimeout,
									null));
					return;
				}
			}
			catch (RuntimeException ex) {
				fail(pendings, ex);
				return;
			}
		}
		for (Pending pending : pendings) {
			pending.done.complete(null);
		}
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
	 * A command log append that failed: the call was not executed.
	 */
	static final class CommandLogException extends RuntimeException {

		private final String reason;

		CommandLogException(String reason, @Nullable String message, @Nullable Throwable cause) {
			super(message, cause);
			this.reason = reason;
		}

		String reason() {
			return this.reason;
		}

	}

}
