package dev.resilientrpc.ordering;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * Gives the calls of each ordering key on this node their turns, one at a time, lowest
 * timestamp first. With a reorder window, a call waits for lower-stamped calls until the
 * window of the earliest waiting call has passed; once it has, every waiting call runs as
 * soon as the key is free, lowest first.
 *
 * <p>
 * Each key has a lane: a lock, a priority queue of waiters by timestamp and an arrival
 * queue (arrival order is deadline order, the window being the same for all). Lanes exist
 * only while a call holds or waits for them. Each waiter parks on its own
 * {@link Condition}, so a release wakes exactly the next call, not the whole queue.
 */
public final class KeySequencer {

	private static final Comparator<Waiter> BY_TIMESTAMP = Comparator.comparingLong((Waiter waiter) -> waiter.timestamp)
		.thenComparingLong((waiter) -> waiter.sequence);

	private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

	private final long windowNanos;

	/**
	 * Create a sequencer.
	 * @param windowNanos how long a call waits for lower-stamped calls of its key, 0 for
	 * not at all
	 */
	public KeySequencer(long windowNanos) {
		this.windowNanos = windowNanos;
	}

	/**
	 * Wait for the call's turn on its key.
	 * @param key the ordering key
	 * @param timestamp the call's timestamp
	 * @param maxWaitNanos the longest to wait
	 * @return the turn, to be {@linkplain Turn#close() closed} when the call is done, or
	 * {@code null} if the wait timed out
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	public @Nullable Turn acquire(String key, long timestamp, long maxWaitNanos) throws InterruptedException {
		Lane lane = this.lanes.compute(key, (k, existing) -> {
			Lane result = (existing != null) ? existing : new Lane();
			result.users++;
			return result;
		});
		Turn turn = null;
		try {
			turn = lane.await(key, timestamp, this.windowNanos, maxWaitNanos);
			return turn;
		}
		finally {
			if (turn == null) {
				leave(key, lane);
			}
		}
	}

	private void leave(String key, Lane lane) {
		this.lanes.computeIfPresent(key,
				(k, existing) -> (existing == lane && --existing.users == 0) ? null : existing);
	}

	/**
	 * Return how many keys have a call running or waiting.
	 * @return the number of lanes
	 */
	int activeKeys() {
		return this.lanes.size();
	}

	/**
	 * Return how many calls wait for a key.
	 * @param key the ordering key
	 * @return the number of waiting calls
	 */
	int waiting(String key) {
		Lane lane = this.lanes.get(key);
		if (lane == null) {
			return 0;
		}
		lane.lock.lock();
		try {
			return lane.queue.size();
		}
		finally {
			lane.lock.unlock();
		}
	}

	/**
	 * A call's turn on its key.
	 */
	public final class Turn implements AutoCloseable {

		private final String key;

		private final Lane lane;

		private final long waitedNanos;

		private boolean closed;

		private Turn(String key, Lane lane, long waitedNanos) {
			this.key = key;
			this.lane = lane;
			this.waitedNanos = waitedNanos;
		}

		/**
		 * Return how long the call waited for its turn.
		 * @return the wait in nanoseconds
		 */
		public long waitedNanos() {
			return this.waitedNanos;
		}

		/**
		 * End the turn: the next waiting call of the key may run.
		 */
		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.lane.release();
			leave(this.key, this.lane);
		}

	}

	private final class Lane {

		private final ReentrantLock lock = new ReentrantLock();

		private final PriorityQueue<Waiter> queue = new PriorityQueue<>(BY_TIMESTAMP);

		private final ArrayDeque<Waiter> arrivals = new ArrayDeque<>();

		/**
		 * Calls holding or waiting for the lane; changed only inside the map's compute.
		 */
		private int users;

		private boolean busy;

		private long sequence;

		@Nullable Turn await(String key, long timestamp, long windowNanos, long maxWaitNanos) throws InterruptedException {
			this.lock.lock();
			try {
				long arrival = System.nanoTime();
				if (!this.busy && this.queue.isEmpty() && windowNanos == 0) {
					this.busy = true;
					return new Turn(key, this, 0);
				}
				Waiter me = new Waiter(timestamp, this.sequence++, arrival + windowNanos, this.lock.newCondition());
				this.queue.add(me);
				this.arrivals.add(me);
				long deadline = arrival + maxWaitNanos;
				boolean done = false;
				try {
					while (true) {
						long now = System.nanoTime();
						long wait = deadline - now;
						if (!this.busy && this.queue.peek() == me) {
							long due = earliestDue();
							if (now - due >= 0) {
								this.busy = true;
								done = true;
								return new Turn(key, this, now - arrival);
							}
							wait = Math.min(wait, due - now);
						}
						if (deadline - now <= 0) {
							return null;
						}
						me.condition.awaitNanos(wait);
					}
				}
				finally {
					boolean wasHead = this.queue.peek() == me;
					this.queue.remove(me);
					me.gone = true;
					while (!this.arrivals.isEmpty() && this.arrivals.peekFirst().gone) {
						this.arrivals.pollFirst();
					}
					if (!done && wasHead) {
						signalHead();
					}
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		private long earliestDue() {
			for (Waiter waiter : this.arrivals) {
				if (!waiter.gone) {
					return waiter.due;
				}
			}
			throw new IllegalStateException("No waiter");
		}

		void release() {
			this.lock.lock();
			try {
				this.busy = false;
				signalHead();
			}
			finally {
				this.lock.unlock();
			}
		}

		private void signalHead() {
			Waiter head = this.queue.peek();
			if (head != null) {
				head.condition.signal();
			}
		}

	}

	private static final class Waiter {

		final long timestamp;

		final long sequence;

		final long due;

		final Condition condition;

		boolean gone;

		Waiter(long timestamp, long sequence, long due, Condition condition) {
			this.timestamp = timestamp;
			this.sequence = sequence;
			this.due = due;
			this.condition = condition;
		}

	}

}
