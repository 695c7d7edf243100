package dev.resilientrpc.sample.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.sample.KvApi;
import dev.resilientrpc.sample.history.History;

/**
 * The demo's client load, recorded as a {@link History} that the
 * {@link dev.resilientrpc.sample.history.HistoryChecker} judges afterwards. Each key has
 * exactly one writer thread, which writes it in sequence with unique tokens. Half the
 * keys ("hot") are appended to all the time, so their value is the list of every write
 * that took effect, in order; the other half ("cold") are put once and then only read, so
 * that a node that lost them cannot hide it behind a later write.
 *
 * <p>
 * A call that failed after the proxy's retries may or may not have taken effect (the
 * proxy reports only its last attempt): it is recorded as unknown, never as refused.
 */
final class Workload {

	private final KvApi kv;

	private final int keys;

	private final int threads;

	private final long pauseMillis;

	private final AtomicBoolean running = new AtomicBoolean();

	private final List<Thread> workers = new ArrayList<>();

	private final AtomicLong tokens = new AtomicLong();

	final History history = new History();

	final LongAdder calls = new LongAdder();

	final LongAdder failedCalls = new LongAdder();

	final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	Workload(KvApi kv, int keys, int threads, long pauseMillis) {
		this.kv = kv;
		this.keys = keys;
		this.threads = threads;
		this.pauseMillis = pauseMillis;
	}

	static String key(int index) {
		return String.format(Locale.ROOT, isHot(index) ? "hot-%04d" : "cold-%04d", index);
	}

	/**
	 * Even keys are appended to all the time; odd keys are put once and then only read (a
	 * put that failed, for instance with -32002 while a starting cluster had not yet
	 * taken every slot, is made again in the next round until one is acknowledged).
	 */
	static boolean isHot(int index) {
		return index % 2 == 0;
	}

	int keys() {
		return this.keys;
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

	/**
	 * Stop the writers and wait for each to finish its last call.
	 * @throws IllegalStateException if a writer does not finish within a minute (its
	 * stack is in the message)
	 */
	void stop() throws InterruptedException {
		this.running.set(false);
		for (Thread worker : this.workers) {
			worker.join(60_000);
			if (worker.isAlive()) {
				StringBuilder stack = new StringBuilder();
				for (StackTraceElement element : worker.getStackTrace()) {
					stack.append("\n\tat ").append(element);
				}
				throw new IllegalStateException(worker.getName() + " did not stop within a minute:" + stack);
			}
		}
	}

	private void run(int thread) {
		String client = "writer-" + thread;
		boolean[] acknowledged = new boolean[this.keys];
		for (int index = thread; index < this.keys && this.running.get(); index += this.threads) {
			acknowledged[index] = write(client, index);
		}
		long round = 0;
		while (this.running.get()) {
			round++;
			for (int index = thread; index < this.keys && this.running.get(); index += this.threads) {
				if (isHot(index)) {
					write(client, index);
					if (round % 4 == 0) {
						read(client, key(index));
					}
				}
				else if (acknowledged[index]) {
					read(client, key(index));
				}
				else {
					acknowledged[index] = write(client, index);
				}
				pause();
			}
		}
	}

	private boolean write(String client, int index) {
		String key = key(index);
		String token = "t" + this.tokens.incrementAndGet();
		History.Kind kind = isHot(index) ? History.Kind.APPEND : History.Kind.PUT;
		long invoked = System.nanoTime();
		this.calls.increment();
		try {
			String result = (kind == History.Kind.APPEND) ? this.kv.append(key, token) : this.kv.put(key, token);
			this.history.add(client, kind, key, token, invoked, System.nanoTime(), History.Outcome.OK, result, null, 1);
			return true;
		}
		catch (RuntimeException ex) {
			failed(client, kind, key, token, invoked, ex);
			return false;
		}
	}

	private void read(String client, String key) {
		long invoked = System.nanoTime();
		this.calls.increment();
		try {
			String value = this.kv.get(key);
			this.history.add(client, History.Kind.GET, key, null, invoked, System.nanoTime(), History.Outcome.OK, value,
					null, 1);
		}
		catch (RuntimeException ex) {
			failed(client, History.Kind.GET, key, null, invoked, ex);
		}
	}

	private void failed(String client, History.Kind kind, String key, @Nullable String token, long invoked,
			RuntimeException ex) {
		this.failedCalls.increment();
		this.failures.computeIfAbsent(ex.getClass().getSimpleName(), (name) -> new LongAdder()).increment();
		this.history.add(client, kind, key, token, invoked, System.nanoTime(), History.Outcome.UNKNOWN, null,
				ex.getClass().getSimpleName() + ": " + ex.getMessage(), 1);
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
