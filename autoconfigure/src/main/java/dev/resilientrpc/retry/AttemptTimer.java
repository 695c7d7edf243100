package dev.resilientrpc.retry;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Cuts an attempt short when its time is up by interrupting the thread that waits for it.
 * The JDK {@code HttpClient} (what Spring Boot picks when no other HTTP client library is
 * present) answers the interrupt by cancelling the exchange; clients that block in socket
 * reads ignore it, and their read timeout bounds the attempt instead.
 *
 * <p>
 * One daemon thread serves every call. A timer that fires after its attempt ended does
 * nothing, and an interrupt it delivered is cleared before the thread goes on, so the
 * caller never sees a stray interrupt.
 */
public final class AttemptTimer implements AutoCloseable {

	private final ScheduledThreadPoolExecutor executor;

	private volatile boolean interrupting = true;

	/**
	 * Create a timer with its own daemon thread.
	 */
	public AttemptTimer() {
		this.executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "resilient-rpc-attempt-timer");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Whether attempts need the interrupt: false once the transport times each request
	 * itself (see {@link HttpComponentsAttemptTimeouts}), which spares scheduling a timer
	 * per attempt.
	 * @return whether {@link #start(long)} is needed
	 */
	public boolean isInterrupting() {
		return this.interrupting;
	}

	/**
	 * Say whether attempts need the interrupt.
	 * @param interrupting false if the transport times each request from
	 * {@link AttemptDeadline}
	 */
	public void setInterrupting(boolean interrupting) {
		this.interrupting = interrupting;
	}

	/**
	 * Start timing an attempt on the current thread.
	 * @param nanos how long the attempt may take
	 * @return the handle to {@link Watch#stop() stop} when the attempt is over
	 */
	public Watch start(long nanos) {
		Watch watch = new Watch(Thread.currentThread());
		watch.future = this.executor.schedule(watch, nanos, TimeUnit.NANOSECONDS);
		return watch;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/**
	 * The timer of one attempt.
	 */
	public static final class Watch implements Runnable {

		private static final int RUNNING = 0;

		private static final int FIRING = 1;

		private static final int FIRED = 2;

		private static final int STOPPED = 3;

		private final Thread thread;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		private volatile @Nullable ScheduledFuture<?> future;

		Watch(Thread thread) {
			this.thread = thread;
		}

		@Override
		public void run() {
			if (this.state.compareAndSet(RUNNING, FIRING)) {
				this.thread.interrupt();
				this.state.set(FIRED);
			}
		}

		/**
		 * Stop the timer; call it on the thread that started it, once the attempt is
		 * over.
		 * @return whether the time ran out first (the attempt was interrupted)
		 */
		public boolean stop() {
			if (this.state.compareAndSet(RUNNING, STOPPED)) {
				ScheduledFuture<?> scheduled = this.future;
				if (scheduled != null) {
					scheduled.cancel(false);
				}
				return false;
			}
			if (this.state.get() == STOPPED) {
				return false;
			}
			while (this.state.get() == FIRING) {
				Thread.onSpinWait();
			}
			// the interrupt was ours: clear it so that it does not hit whatever the
			// thread does next
			Thread.interrupted();
			this.state.set(STOPPED);
			return true;
		}

	}

}
