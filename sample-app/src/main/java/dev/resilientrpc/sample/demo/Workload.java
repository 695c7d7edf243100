package dev.resilientrpc.sample.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.sample.KvApi;

/**
 * The demo's client load: each key has exactly one writer thread that writes it in
 * sequence, so the last acknowledged value of every key is well defined. Half the keys
 * are written once and then only read (see {@link #isHot(int)}). A write whose call
 * failed may or may not have been applied; it is remembered as "unknown", not as
 * acknowledged.
 *
 * <p>
 * Each {@code put} returns the previous value, which checks the store as it goes: it must
 * be the key's last acknowledged value or a later unknown one, and never the value being
 * written (that would mean the write was applied twice).
 */
final class Workload {

	private final KvApi kv;

	private final int keys;

	private final int threads;

	private final long pauseMillis;

	private final AtomicBoolean running = new AtomicBoolean();

	private final List<Thread> workers = new ArrayList<>();

	/** Last acknowledged value per key. */
	final Map<String, String> acknowledged = new ConcurrentHashMap<>();

	/** Values whose write failed (outcome unknown), per key. */
	final Map<String, Set<String>> unknown = new ConcurrentHashMap<>();

	final LongAdder calls = new LongAdder();

	final LongAdder acknowledgedWrites = new LongAdder();

	final LongAdder failedCalls = new LongAdder();

	final LongAdder reads = new LongAdder();

	final LongAdder staleReads = new LongAdder();

	final LongAdder appliedTwice = new LongAdder();

	final LongAdder inconsistent = new LongAdder();

	final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	Workload(KvApi kv, int keys, int threads, long pauseMillis) {
		this.kv = kv;
		this.keys = keys;
		this.threads = threads;
		this.pauseMillis = pauseMillis;
	}

	static String key(int index) {
		return String.format("key-%04d", index);
	}

	void start() {
		this.running.set(true);
		for (int t = 0; t < this.threads; t++) {
			int thread = t;
			Thread worker = new Thread(() -> run(thread), "demo-writer-" + t);
			worker.setDaemon(true);
			worker.start();
			this.workers.add(worker);
		}
	}

	void stop() throws InterruptedException {
		this.running.set(false);
		for (Thread worker : this.workers) {
			worker.join();
		}
	}

	/**
	 * Odd keys are written once at the start and then only read: a node that crashed and
	 * lost them, or a successor that cannot see them, shows up as a wrong read and a lost
	 * write. Even keys are written all the time.
	 */
	static boolean isHot(int index) {
		return index % 2 == 0;
	}

	private void run(int thread) {
		long sequence = 0;
		for (int index = thread; index < this.keys && this.running.get(); index += this.threads) {
			write(key(index), "w" + thread + "-" + (++sequence));
		}
		while (this.running.get()) {
			for (int index = thread; index < this.keys && this.running.get(); index += this.threads) {
				String key = key(index);
				if (isHot(index)) {
					write(key, "w" + thread + "-" + (++sequence));
				}
				if (!isHot(index) || sequence % 4 == 0) {
					read(key);
				}
				pause();
			}
		}
	}

	private void write(String key, String value) {
		this.calls.increment();
		try {
			String previous = this.kv.put(key, value);
			if (value.equals(previous)) {
				this.appliedTwice.increment();
			}
			else if (!isExpected(key, previous)) {
				this.inconsistent.increment();
			}
			this.acknowledged.put(key, value);
			this.unknown.remove(key);
			this.acknowledgedWrites.increment();
		}
		catch (RuntimeException ex) {
			this.failedCalls.increment();
			this.failures.computeIfAbsent(ex.getClass().getSimpleName(), (name) -> new LongAdder()).increment();
			this.unknown.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet()).add(value);
		}
	}

	private void read(String key) {
		this.calls.increment();
		try {
			String value = this.kv.get(key);
			this.reads.increment();
			if (!isExpected(key, value)) {
				this.staleReads.increment();
			}
		}
		catch (RuntimeException ex) {
			this.failedCalls.increment();
			this.failures.computeIfAbsent(ex.getClass().getSimpleName(), (name) -> new LongAdder()).increment();
		}
	}

	/**
	 * Whether a value read for a key (or returned as its previous value) is what the
	 * store must hold: the last acknowledged value, or one whose write failed afterwards.
	 */
	boolean isExpected(String key, @Nullable String value) {
		String acked = this.acknowledged.get(key);
		Set<String> maybe = this.unknown.get(key);
		return Objects.equals(acked, value) || (maybe != null && value != null && maybe.contains(value));
	}

	private void pause() {
		if (this.pauseMillis > 0) {
			try {
				Thread.sleep(this.pauseMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.running.set(false);
			}
		}
	}

}
