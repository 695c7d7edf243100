package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs the background work of a set of partitions on one thread: a checkpoint of each
 * changed partition every interval (a failed one retried with exponential backoff while
 * calls go on being served), a checkpoint soon when one is asked for, and resyncs of
 * partitions whose appends had an unknown outcome, retried with backoff until they
 * succeed or the partition is fenced.
 */
public final class PartitionScheduler {

	private static final Log logger = LogFactory.getLog(PartitionScheduler.class);

	private static final Duration MAX_RESYNC_BACKOFF = Duration.ofSeconds(5);

	private final Checkpointer checkpointer;

	private final Duration interval;

	private final Duration retryBackoff;

	private final Resyncer resyncer;

	private final ScheduledExecutorService executor;

	private final Map<Partition, Entry> entries = new ConcurrentHashMap<>();

	private volatile boolean stopped;

	/**
	 * Create a scheduler with its thread.
	 * @param threadName the name of the thread
	 * @param checkpointer writes the checkpoints
	 * @param options the interval and backoff
	 * @param resyncer resyncs a partition, as its owner does it
	 */
	public PartitionScheduler(String threadName, Checkpointer checkpointer, PartitionOptions options,
			Resyncer resyncer) {
		this.checkpointer = checkpointer;
		this.interval = options.interval();
		this.retryBackoff = options.retryBackoff();
		this.resyncer = resyncer;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, threadName);
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Resyncs a partition for its owner.
	 */
	@FunctionalInterface
	public interface Resyncer {

		/**
		 * Resync a partition: acquire a newer epoch and catch up with the log.
		 * @param partition the partition
		 * @throws RuntimeException if it cannot be done now
		 */
		void resync(Partition partition);

	}

	/**
	 * Start checkpointing a serving partition on the interval.
	 * @param partition the partition
	 */
	public void add(Partition partition) {
		Entry entry = new Entry();
		if (this.entries.putIfAbsent(partition, entry) == null) {
			schedule(partition, entry, this.interval);
		}
	}

	/**
	 * Stop the partition's background work.
	 * @param partition the partition
	 */
	public void remove(Partition partition) {
		Entry entry = this.entries.remove(partition);
		if (entry != null) {
			synchronized (entry) {
				entry.removed = true;
				if (entry.next != null) {
					entry.next.cancel(false);
				}
			}
		}
	}

	/**
	 * Ask for a checkpoint as soon as possible.
	 * @param partition the partition
	 */
	public void requestCheckpoint(Partition partition) {
		Entry entry = this.entries.get(partition);
		if (entry == null) {
			return;
		}
		synchronized (entry) {
			entry.requested = true;
			if (!entry.running) {
				schedule(partition, entry, Duration.ZERO);
			}
		}
	}

	/**
	 * Resync the partition soon, and again with backoff until that succeeds.
	 * @param partition the partition
	 */
	public void requestResync(Partition partition) {
		Entry entry = this.entries.get(partition);
		if (entry == null) {
			return;
		}
		synchronized (entry) {
			entry.resync = true;
			if (!entry.running) {
				schedule(partition, entry, Duration.ZERO);
			}
		}
	}

	/**
	 * Return the delay before the next retry after the given number of failures.
	 * @param failures consecutive failures, at least 1
	 * @param max the longest delay
	 * @return the delay
	 */
	Duration backoff(int failures, Duration max) {
		Duration delay = this.retryBackoff.multipliedBy(1L << Math.min(Math.max(failures, 1) - 1, 20));
		return (delay.compareTo(max) <= 0) ? delay : max;
	}

	private void schedule(Partition partition, Entry entry, Duration delay) {
		synchronized (entry) {
			if (this.stopped || entry.removed) {
				return;
			}
			if (entry.next != null) {
				entry.next.cancel(false);
			}
			entry.next = this.executor.schedule(() -> run(partition, entry), delay.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	private void run(Partition partition, Entry entry) {
		boolean resync;
		synchronized (entry) {
			if (entry.removed) {
				return;
			}
			entry.running = true;
			entry.requested = false;
			resync = entry.resync;
		}
		Duration next = this.interval;
		try {
			if (resync || partition.getState() == Partition.State.RESYNC_NEEDED) {
				next = resync(partition, entry);
			}
			else if (partition.isServing()) {
				this.checkpointer.checkpoint(partition, false);
			}
		}
		catch (CheckpointFencedException ex) {
			if (partition.fence(ex)) {
				logger.error("FENCED: '" + partition.getStoreName() + "' has a newer epoch elsewhere ("
						+ ex.getMessage() + "); this process no longer serves it");
			}
			remove(partition);
			return;
		}
		catch (RuntimeException ex) {
			next = backoff(partition.consecutiveFailures, this.interval);
			logger.warn("Checkpoint of '" + partition.getStoreName() + "' failed (" + partition.consecutiveFailures
					+ " in a row), retrying in " + next + "; calls are still served and logged: " + ex.getMessage());
		}
		finally {
			synchronized (entry) {
				entry.running = false;
			}
		}
		synchronized (entry) {
			boolean soon = entry.resync || (entry.requested && partition.consecutiveFailures == 0);
			schedule(partition, entry, soon ? ((entry.resync) ? next : Duration.ZERO) : next);
		}
	}

	private Duration resync(Partition partition, Entry entry) {
		try {
			this.resyncer.resync(partition);
			synchronized (entry) {
				entry.resync = false;
				entry.resyncFailures = 0;
			}
			return this.interval;
		}
		catch (CheckpointFencedException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			int failures;
			synchronized (entry) {
				entry.resync = true;
				failures = ++entry.resyncFailures;
			}
			Duration delay = backoff(failures, MAX_RESYNC_BACKOFF);
			logger.warn("Resync of '" + partition.getStoreName() + "' failed (" + failures + " in a row), retrying in "
					+ delay + "; its calls are refused meanwhile: " + ex);
			return delay;
		}
	}

	/**
	 * Stop all background work.
	 */
	public void shutdown() {
		this.stopped = true;
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static final class Entry {

		@Nullable ScheduledFuture<?> next;

		boolean running;

		boolean requested;

		boolean resync;

		boolean removed;

		int resyncFailures;

	}

}
