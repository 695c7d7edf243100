package dev.resilientrpc.benchmarks.peer;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The workload, the same for every path: client threads that each own their keys and
 * alternate a put of a key with a get of it, which is checked against what the thread put
 * last. Values are of one size, drawn from a few prepared strings so that making them
 * costs nothing per call. A phase makes a fixed number of calls, taken from one counter
 * by all threads.
 *
 * <p>
 * Measured per phase: wall time, latency of every call (failures included) in an
 * HdrHistogram, process CPU time ({@code OperatingSystemMXBean#getProcessCpuTime}) and
 * heap allocation of all threads ({@code ThreadMXBean#getTotalThreadAllocatedBytes});
 * both cover the whole JVM, so the client, the three servers, GC and JIT alike.
 */
public final class PeerWorkload {

	private static final int VALUES = 8;

	private static final long HIGHEST_LATENCY = 120_000_000_000L;

	private final KvPath path;

	private final String pathName;

	private final int valueSize;

	private final String[] values;

	private final ClientState[] clients;

	private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	/**
	 * Create the workload.
	 * @param path the path to call
	 * @param pathName its name, for the results
	 * @param threads client threads
	 * @param keys keys in all, shared out among the threads
	 * @param valueSize value size in bytes
	 */
	public PeerWorkload(KvPath path, String pathName, int threads, int keys, int valueSize) {
		this.path = path;
		this.pathName = pathName;
		this.valueSize = valueSize;
		this.values = new String[VALUES];
		for (int v = 0; v < VALUES; v++) {
			this.values[v] = value(v, valueSize);
		}
		this.clients = new ClientState[threads];
		int keysPerThread = Math.max(1, keys / threads);
		for (int t = 0; t < threads; t++) {
			this.clients[t] = new ClientState(t, keysPerThread, valueSize);
		}
	}

	/**
	 * A value of exactly {@code size} ASCII bytes that differs for each {@code v}, with
	 * nothing JSON must escape.
	 */
	static String value(int v, int size) {
		StringBuilder value = new StringBuilder(size);
		String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
		for (int i = 0; i < size; i++) {
			value.append(alphabet.charAt((i * 7 + v * 13) % alphabet.length()));
		}
		value.setCharAt(0, (char) ('0' + v));
		return value.toString();
	}

	/**
	 * Run a fixed number of calls.
	 * @param calls the calls
	 * @return what was measured
	 * @throws InterruptedException when interrupted
	 */
	public PhaseResult run(int calls) throws InterruptedException {
		Histogram[] histograms = new Histogram[this.clients.length];
		AtomicInteger next = new AtomicInteger();
		Tally tally = new Tally();
		List<Thread> workers = new ArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		for (int t = 0; t < this.clients.length; t++) {
			ClientState client = this.clients[t];
			Histogram histogram = new Histogram(HIGHEST_LATENCY, 3);
			histograms[t] = histogram;
			workers.add(worker(client, start, () -> {
				while (next.getAndIncrement() < calls) {
					long begin = System.nanoTime();
					call(client, tally);
					histogram.recordValue(Math.min(System.nanoTime() - begin, HIGHEST_LATENCY));
				}
			}));
		}
		System.gc();
		long cpu = this.os.getProcessCpuTime();
		long allocated = this.threads.getTotalThreadAllocatedBytes();
		long begin = System.nanoTime();
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		long elapsed = System.nanoTime() - begin;
		double cpuPerCall = (double) (this.os.getProcessCpuTime() - cpu) / calls;
		double allocatedPerCall = (double) (this.threads.getTotalThreadAllocatedBytes() - allocated) / calls;
		Histogram all = new Histogram(HIGHEST_LATENCY, 3);
		for (Histogram histogram : histograms) {
			all.add(histogram);
		}
		return new PhaseResult(this.pathName, this.valueSize, "steady", calls, tally.failed.get(), tally.wrong.get(),
				elapsed / 1e9, all.getValueAtPercentile(50), all.getValueAtPercentile(99),
				all.getValueAtPercentile(99.9), cpuPerCall, allocatedPerCall, tally.sampleFailure.get(), -1, -1, -1, -1,
				-1, -1);
	}

	/**
	 * Run a fixed number of calls and stop one of the three instances when half of them
	 * are done. The outage window holds the calls that ended after the kill began, those
	 * in flight on the stopped instance included.
	 * @param calls the calls
	 * @return what was measured
	 * @throws InterruptedException when interrupted
	 */
	public PhaseResult runWithKill(int calls) throws InterruptedException {
		long[] ends = new long[calls];
		long[] latencies = new long[calls];
		boolean[] failed = new boolean[calls];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		CountDownLatch half = new CountDownLatch(1);
		AtomicLong killStart = new AtomicLong();
		AtomicLong killEnd = new AtomicLong();
		Thread killer = new Thread(() -> {
			try {
				half.await();
			}
			catch (InterruptedException ex) {
				return;
			}
			killStart.set(System.nanoTime());
			this.path.killOne();
			killEnd.set(System.nanoTime());
		}, "peer-killer");
		killer.start();
		Tally tally = new Tally();
		List<Thread> workers = new ArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		for (ClientState client : this.clients) {
			workers.add(worker(client, start, () -> {
				for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
					long begin = System.nanoTime();
					boolean ok = call(client, tally);
					long end = System.nanoTime();
					ends[i] = end;
					latencies[i] = end - begin;
					failed[i] = !ok;
					if (done.incrementAndGet() == calls / 2) {
						half.countDown();
					}
				}
			}));
		}
		long begin = System.nanoTime();
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		long end = System.nanoTime();
		half.countDown();
		killer.join();
		Histogram all = new Histogram(HIGHEST_LATENCY, 3);
		Histogram outage = new Histogram(HIGHEST_LATENCY, 3);
		long outageCalls = 0;
		long outageFailed = 0;
		for (int i = 0; i < calls; i++) {
			long latency = Math.min(latencies[i], HIGHEST_LATENCY);
			all.recordValue(latency);
			if (ends[i] >= killStart.get()) {
				outage.recordValue(latency);
				outageCalls++;
				if (failed[i]) {
					outageFailed++;
				}
			}
		}
		return new PhaseResult(this.pathName, this.valueSize, "fault", calls, tally.failed.get(), tally.wrong.get(),
				(end - begin) / 1e9, all.getValueAtPercentile(50), all.getValueAtPercentile(99),
				all.getValueAtPercentile(99.9), -1, -1, tally.sampleFailure.get(), outageCalls, outageFailed,
				(end - killStart.get()) / 1e9, outage.getValueAtPercentile(99), outage.getValueAtPercentile(99.9),
				(killEnd.get() - killStart.get()) / 1e6);
	}

	private static Thread worker(ClientState client, CountDownLatch start, Runnable calls) {
		Thread worker = new Thread(() -> {
			try {
				start.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			calls.run();
		}, "peer-client-" + client.index);
		worker.start();
		return worker;
	}

	/**
	 * Make the thread's next call: a put of its next key, or the get of the key it put
	 * last, checked.
	 * @return whether the call succeeded
	 */
	private boolean call(ClientState client, Tally tally) {
		long sequence = client.sequence++;
		int k = (int) ((sequence >>> 1) % client.keys.length);
		String key = client.keys[k];
		if ((sequence & 1) == 0) {
			int v = (int) ((sequence >>> 1) % VALUES);
			try {
				this.path.put(key, this.values[v]);
				client.expected[k] = v;
				client.alternative[k] = -1;
				return true;
			}
			catch (RuntimeException ex) {
				// it may have been applied or not: a later get may see either
				client.alternative[k] = v;
				tally.fail(ex);
				return false;
			}
		}
		String value;
		try {
			value = this.path.get(key);
		}
		catch (RuntimeException ex) {
			tally.fail(ex);
			return false;
		}
		if (matches(value, client.expected[k])) {
			return true;
		}
		if (client.alternative[k] >= 0 && matches(value, client.alternative[k])) {
			client.expected[k] = client.alternative[k];
			client.alternative[k] = -1;
			return true;
		}
		tally.wrong.incrementAndGet();
		tally.sampleFailure.compareAndSet(null, "get(" + key + ") returned a value that was not put last: "
				+ ((value != null) ? value.substring(0, Math.min(20, value.length())) + "…" : null));
		return true;
	}

	private boolean matches(@Nullable String value, int expected) {
		return (expected < 0) ? value == null : this.values[expected].equals(value);
	}

	/**
	 * The keys of one client thread and what it last put in each.
	 */
	private static final class ClientState {

		final int index;

		final String[] keys;

		/** Index of the value last put in each key, -1 for none. */
		final int[] expected;

		/**
		 * Index of a value whose put failed since, which may have been applied; or -1.
		 */
		final int[] alternative;

		long sequence;

		ClientState(int index, int keys, int valueSize) {
			this.index = index;
			this.keys = new String[keys];
			this.expected = new int[keys];
			this.alternative = new int[keys];
			for (int k = 0; k < keys; k++) {
				this.keys[k] = "key-" + valueSize + "-" + index + "-" + k;
				this.expected[k] = -1;
				this.alternative[k] = -1;
			}
		}

	}

	/**
	 * Failures and wrong answers of a phase.
	 */
	private static final class Tally {

		final AtomicLong failed = new AtomicLong();

		final AtomicLong wrong = new AtomicLong();

		final AtomicReference<@Nullable String> sampleFailure = new AtomicReference<>();

		void fail(RuntimeException ex) {
			this.failed.incrementAndGet();
			if (this.sampleFailure.get() == null) {
				StringBuilder chain = new StringBuilder();
				for (Throwable cause = ex; cause != null && chain.length() < 600; cause = cause.getCause()) {
					chain.append((chain.length() > 0) ? " <- " : "")
						.append(cause.getClass().getName())
						.append(": ")
						.append(cause.getMessage());
				}
				this.sampleFailure.compareAndSet(null, chain.toString());
			}
		}

	}

}
