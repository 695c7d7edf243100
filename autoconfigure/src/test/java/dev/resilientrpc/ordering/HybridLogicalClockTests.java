package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HybridLogicalClock}.
 */
class HybridLogicalClockTests {

	private static final long T0 = 1_700_000_000_000L;

	private final MutableClock physical = new MutableClock(T0);

	private final HybridLogicalClock clock = new HybridLogicalClock(this.physical, Duration.ofMillis(500));

	@Test
	void tickFollowsPhysicalTimeWithCounterZero() {
		long timestamp = this.clock.now();
		assertThat(HybridLogicalClock.physicalMillis(timestamp)).isEqualTo(T0);
		assertThat(HybridLogicalClock.logical(timestamp)).isZero();
		this.physical.advance(Duration.ofMillis(7));
		assertThat(this.clock.now()).isEqualTo(HybridLogicalClock.timestamp(T0 + 7, 0));
	}

	@Test
	void ticksWithinOneMillisecondCountUp() {
		assertThat(this.clock.now()).isEqualTo(HybridLogicalClock.timestamp(T0, 0));
		assertThat(this.clock.now()).isEqualTo(HybridLogicalClock.timestamp(T0, 1));
		assertThat(this.clock.now()).isEqualTo(HybridLogicalClock.timestamp(T0, 2));
	}

	@Test
	void physicalClockGoingBackwardsDoesNotMoveTheClockBack() {
		long before = this.clock.now();
		this.physical.set(T0 - 10_000);
		long after = this.clock.now();
		assertThat(after).isGreaterThan(before);
		assertThat(HybridLogicalClock.physicalMillis(after)).isEqualTo(T0);
	}

	@Test
	void counterOverflowCarriesIntoMilliseconds() {
		long last = 0;
		for (int i = 0; i < 65_537; i++) {
			last = this.clock.now();
		}
		assertThat(last).isEqualTo(HybridLogicalClock.timestamp(T0 + 1, 0));
	}

	@Test
	void receivingALaterTimestampMovesTheClockPastIt() {
		long received = HybridLogicalClock.timestamp(T0 + 300, 5);
		long afterReceive = this.clock.receive(received);
		assertThat(afterReceive).isEqualTo(HybridLogicalClock.timestamp(T0 + 300, 6));
		assertThat(this.clock.now()).isEqualTo(HybridLogicalClock.timestamp(T0 + 300, 7));
	}

	@Test
	void receivingAnEarlierTimestampStillTicks() {
		long now = this.clock.now();
		long afterReceive = this.clock.receive(HybridLogicalClock.timestamp(T0 - 1000, 9));
		assertThat(afterReceive).isEqualTo(now + 1);
	}

	@Test
	void receivingTheSameMillisecondTakesTheLargerCounter() {
		this.clock.now();
		long afterReceive = this.clock.receive(HybridLogicalClock.timestamp(T0, 40));
		assertThat(afterReceive).isEqualTo(HybridLogicalClock.timestamp(T0, 41));
	}

	@Test
	void timestampAtTheSkewLimitIsAccepted() {
		long received = HybridLogicalClock.timestamp(T0 + 500, 65_535);
		assertThat(this.clock.receive(received)).isGreaterThan(received);
	}

	@Test
	void timestampBeyondTheSkewLimitIsRefusedAndLeavesTheClockAlone() {
		long before = this.clock.now();
		long received = HybridLogicalClock.timestamp(T0 + 501, 0);
		assertThatExceptionOfType(ClockSkewException.class).isThrownBy(() -> this.clock.receive(received))
			.satisfies((ex) -> {
				assertThat(ex.getAheadMillis()).isEqualTo(501);
				assertThat(ex.getMaxSkewMillis()).isEqualTo(500);
				assertThat(ex.getTimestamp()).isEqualTo(received);
			});
		assertThat(this.clock.last()).isEqualTo(before);
	}

	@Test
	void timestampPacksPhysicalAndLogicalParts() {
		long timestamp = HybridLogicalClock.timestamp(T0, 12_345);
		assertThat(timestamp).isEqualTo((T0 << 16) | 12_345);
		assertThat(HybridLogicalClock.physicalMillis(timestamp)).isEqualTo(T0);
		assertThat(HybridLogicalClock.logical(timestamp)).isEqualTo(12_345);
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.timestamp(T0, 65_536));
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.timestamp(-1, 0));
	}

	@Test
	void parseAcceptsDecimalIntegers() {
		long timestamp = HybridLogicalClock.timestamp(T0, 3);
		assertThat(HybridLogicalClock.parse(Long.toString(timestamp))).isEqualTo(timestamp);
		assertThat(HybridLogicalClock.parse("0")).isZero();
		assertThat(HybridLogicalClock.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void parseRefusesGarbageWithAReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.parse("")).withMessage("is empty");
		for (String garbage : List.of("-1", "+1", " 1", "1 ", "abc", "1.5", "0x10", "１")) {
			assertThatIllegalArgumentException().as(garbage)
				.isThrownBy(() -> HybridLogicalClock.parse(garbage))
				.withMessage("is not a non-negative decimal integer");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.parse("9223372036854775808"))
			.withMessage("exceeds the largest 64-bit integer");
		assertThatIllegalArgumentException().isThrownBy(() -> HybridLogicalClock.parse("12345678901234567890"))
			.withMessageContaining("has 20 characters");
	}

	@Test
	void ticksFromManyThreadsAreUniqueAndIncreasingPerThread() throws Exception {
		int threads = 8;
		int ticksPerThread = 20_000;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<long[]>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(executor.submit(() -> {
					start.await();
					long[] ticks = new long[ticksPerThread];
					for (int i = 0; i < ticksPerThread; i++) {
						if (i % 1000 == 0) {
							// the physical clock jumps back and forth while threads tick
							this.physical.set(T0 + ThreadLocalRandom.current().nextLong(-50, 50));
						}
						ticks[i] = (i % 3 == 0) ? this.clock.receive(T0 << 16) : this.clock.now();
					}
					return ticks;
				}));
			}
			start.countDown();
			Set<Long> all = new HashSet<>();
			for (Future<long[]> future : futures) {
				long[] ticks = future.get();
				for (int i = 1; i < ticks.length; i++) {
					assertThat(ticks[i]).isGreaterThan(ticks[i - 1]);
				}
				for (long tick : ticks) {
					assertThat(all.add(tick)).as("tick %d returned twice", tick).isTrue();
				}
			}
			assertThat(all).hasSize(threads * ticksPerThread);
			assertThat(this.clock.last()).isEqualTo(all.stream().mapToLong(Long::longValue).max().orElseThrow());
		}
		finally {
			executor.shutdownNow();
		}
	}

}
