package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KeySequencer}.
 */
class KeySequencerTests {

	private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(30);

	private final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void freeKeyIsGrantedAtOnceAndForgottenWhenReleased() throws Exception {
		KeySequencer sequencer = new KeySequencer(0);
		KeySequencer.Turn turn = sequencer.acquire("k", 1, LONG_WAIT);
		assertThat(turn).isNotNull();
		assertThat(turn.waitedNanos()).isZero();
		assertThat(sequencer.activeKeys()).isOne();
		turn.close();
		turn.close();
		assertThat(sequencer.activeKeys()).isZero();
	}

	@Test
	void differentKeysDoNotWaitForEachOther() throws Exception {
		KeySequencer sequencer = new KeySequencer(0);
		try (KeySequencer.Turn a = sequencer.acquire("a", 1, LONG_WAIT);
				KeySequencer.Turn b = sequencer.acquire("b", 1, LONG_WAIT)) {
			assertThat(a).isNotNull();
			assertThat(b).isNotNull();
		}
	}

	@Test
	void waitersOfABusyKeyRunLowestTimestampFirst() throws Exception {
		KeySequencer sequencer = new KeySequencer(0);
		KeySequencer.Turn holder = sequencer.acquire("k", 100, LONG_WAIT);
		List<Long> order = Collections.synchronizedList(new ArrayList<>());
		List<Future<?>> waiters = new ArrayList<>();
		long[] timestamps = { 50, 300, 10, 200, 150 };
		for (long timestamp : timestamps) {
			waiters.add(this.executor.submit(() -> {
				try (KeySequencer.Turn turn = sequencer.acquire("k", timestamp, LONG_WAIT)) {
					order.add(timestamp);
				}
				return null;
			}));
			awaitWaiting(sequencer, "k", waiters.size());
		}
		holder.close();
		for (Future<?> waiter : waiters) {
			waiter.get(10, TimeUnit.SECONDS);
		}
		assertThat(order).containsExactly(10L, 50L, 150L, 200L, 300L);
		assertThat(sequencer.activeKeys()).isZero();
	}

	@Test
	void reorderWindowLetsALowerStampedLateArrivalGoFirst() throws Exception {
		KeySequencer sequencer = new KeySequencer(TimeUnit.MILLISECONDS.toNanos(1000));
		List<Long> order = Collections.synchronizedList(new ArrayList<>());
		Future<?> high = this.executor.submit(() -> {
			try (KeySequencer.Turn turn = sequencer.acquire("k", 20, LONG_WAIT)) {
				order.add(20L);
			}
			return null;
		});
		awaitWaiting(sequencer, "k", 1);
		Future<?> low = this.executor.submit(() -> {
			try (KeySequencer.Turn turn = sequencer.acquire("k", 10, LONG_WAIT)) {
				order.add(10L);
			}
			return null;
		});
		high.get(10, TimeUnit.SECONDS);
		low.get(10, TimeUnit.SECONDS);
		assertThat(order).containsExactly(10L, 20L);
	}

	@Test
	void waitTimesOutWhileTheKeyStaysBusyAndTheNextWaiterStillRuns() throws Exception {
		KeySequencer sequencer = new KeySequencer(0);
		KeySequencer.Turn holder = sequencer.acquire("k", 1, LONG_WAIT);
		Future<KeySequencer.Turn> impatient = this.executor
			.submit(() -> sequencer.acquire("k", 2, TimeUnit.MILLISECONDS.toNanos(50)));
		assertThat(impatient.get(10, TimeUnit.SECONDS)).isNull();
		Future<Boolean> patient = this.executor.submit(() -> {
			try (KeySequencer.Turn turn = sequencer.acquire("k", 3, LONG_WAIT)) {
				return turn != null;
			}
		});
		awaitWaiting(sequencer, "k", 1);
		holder.close();
		assertThat(patient.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(sequencer.activeKeys()).isZero();
	}

	@Test
	void interruptedWaiterLeavesTheQueue() throws Exception {
		KeySequencer sequencer = new KeySequencer(0);
		KeySequencer.Turn holder = sequencer.acquire("k", 1, LONG_WAIT);
		Future<?> waiter = this.executor.submit(() -> sequencer.acquire("k", 2, LONG_WAIT));
		awaitWaiting(sequencer, "k", 1);
		waiter.cancel(true);
		awaitWaiting(sequencer, "k", 0);
		holder.close();
		assertThat(sequencer.activeKeys()).isZero();
	}

	@Test
	void manyThreadsOnFewKeysNeverOverlap() throws Exception {
		KeySequencer sequencer = new KeySequencer(0);
		int keys = 3;
		int threads = 12;
		int callsPerThread = 300;
		AtomicInteger[] running = new AtomicInteger[keys];
		for (int k = 0; k < keys; k++) {
			running[k] = new AtomicInteger();
		}
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger clock = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			futures.add(this.executor.submit(() -> {
				start.await();
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < callsPerThread; i++) {
					int key = random.nextInt(keys);
					try (KeySequencer.Turn turn = sequencer.acquire("key-" + key, clock.incrementAndGet(), LONG_WAIT)) {
						if (running[key].incrementAndGet() != 1) {
							overlaps.incrementAndGet();
						}
						if (random.nextInt(10) == 0) {
							Thread.yield();
						}
						running[key].decrementAndGet();
					}
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> future : futures) {
			future.get(60, TimeUnit.SECONDS);
		}
		assertThat(overlaps).hasValue(0);
		assertThat(sequencer.activeKeys()).isZero();
	}

	static void awaitWaiting(KeySequencer sequencer, String key, int count) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (sequencer.waiting(key) != count) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("expected " + count + " waiters, have " + sequencer.waiting(key));
			}
			Thread.sleep(1);
		}
	}

}
