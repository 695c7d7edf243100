package dev.resilientrpc.loadbalancer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * What the balancer knows about one instance: its calls in flight and why it may be
 * passed over. One object per instance lives as long as the instance is a member, across
 * ring snapshots, so that loads and cool-downs survive membership changes of other
 * instances.
 */
final class InstanceState {

	final ServiceInstance instance;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final LongAdder selected = new LongAdder();

	/**
	 * Epoch millis until which the instance is passed over after a connection failure; 0
	 * if not.
	 */
	private volatile long coolingDownUntil;

	private volatile boolean healthCheckFailed;

	InstanceState(ServiceInstance instance) {
		this.instance = instance;
	}

	/**
	 * Take a slot if fewer than {@code capacity} calls are in flight. The check and the
	 * increment are one atomic step, so concurrent callers never push the instance past
	 * the capacity each of them computed.
	 */
	boolean tryAcquire(int capacity) {
		if (capacity == Integer.MAX_VALUE) {
			acquire();
			return true;
		}
		while (true) {
			int current = this.inFlight.get();
			if (current >= capacity) {
				return false;
			}
			if (this.inFlight.compareAndSet(current, current + 1)) {
				this.selected.increment();
				return true;
			}
		}
	}

	void acquire() {
		this.inFlight.incrementAndGet();
		this.selected.increment();
	}

	void release() {
		this.inFlight.decrementAndGet();
	}

	int inFlight() {
		return this.inFlight.get();
	}

	long selected() {
		return this.selected.sum();
	}

	boolean isCoolingDown(long now) {
		long until = this.coolingDownUntil;
		return until != 0 && until > now;
	}

	boolean mayBeCoolingDown() {
		return this.coolingDownUntil != 0;
	}

	void coolDownUntil(long until) {
		this.coolingDownUntil = until;
	}

	/**
	 * Record a successful attempt, which ends any cool-down at once.
	 * @return whether the instance had been marked for refusing a connection
	 */
	boolean succeeded() {
		if (this.coolingDownUntil != 0) {
			this.coolingDownUntil = 0;
			return true;
		}
		return false;
	}

	boolean healthCheckFailed() {
		return this.healthCheckFailed;
	}

	/**
	 * Record the outcome of a health check.
	 * @return whether the outcome differs from the previous one
	 */
	boolean healthCheckFailed(boolean failed) {
		boolean previous = this.healthCheckFailed;
		this.healthCheckFailed = failed;
		return previous != failed;
	}

	@Override
	public String toString() {
		return this.instance + " [inFlight=" + this.inFlight.get() + "]";
	}

}
