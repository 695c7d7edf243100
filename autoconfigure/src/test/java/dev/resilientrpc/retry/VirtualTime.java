package dev.resilientrpc.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that runs with real time plus the waits it was asked for, which it records
 * instead of spending. Deadlines then see both the real time of attempts and every wait,
 * while no test waits for a back-off.
 */
public final class VirtualTime implements Ticker, Sleeper {

	private final AtomicLong offset = new AtomicLong();

	private final List<Long> sleeps = new ArrayList<>();

	private final List<Long> wakeUps = new ArrayList<>();

	@Override
	public long nanoTime() {
		return System.nanoTime() + this.offset.get();
	}

	@Override
	public void sleep(long millis) {
		synchronized (this.sleeps) {
			this.sleeps.add(millis);
			this.offset.addAndGet(millis * 1_000_000L);
			this.wakeUps.add(nanoTime());
		}
	}

	/**
	 * Return the waits asked for since the last {@link #reset()}.
	 * @return the waits in milliseconds
	 */
	public List<Long> sleeps() {
		synchronized (this.sleeps) {
			return List.copyOf(this.sleeps);
		}
	}

	/**
	 * Return when each wait since the last {@link #reset()} ended.
	 * @return the {@link #nanoTime()} at the end of each wait
	 */
	public List<Long> wakeUps() {
		synchronized (this.sleeps) {
			return List.copyOf(this.wakeUps);
		}
	}

	/**
	 * Forget the waits recorded so far.
	 */
	public void reset() {
		synchronized (this.sleeps) {
			this.sleeps.clear();
			this.wakeUps.clear();
		}
	}

}
