package dev.resilientrpc.retry;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AttemptTimer} interrupts an attempt that outlives its time and never leaves a
 * stray interrupt behind.
 */
class AttemptTimerTests {

	private final AttemptTimer timer = new AttemptTimer();

	@AfterEach
	void close() {
		this.timer.close();
		Thread.interrupted();
	}

	@Test
	void anAttemptThatOutlivesItsTimeIsInterruptedAndTheInterruptIsCleared() {
		AttemptTimer.Watch watch = this.timer.start(TimeUnit.MILLISECONDS.toNanos(20));
		boolean interrupted = false;
		try {
			Thread.sleep(10_000);
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		assertThat(interrupted).isTrue();
		assertThat(watch.stop()).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void anAttemptThatEndsInTimeIsNotInterrupted() throws InterruptedException {
		AttemptTimer.Watch watch = this.timer.start(TimeUnit.SECONDS.toNanos(10));
		assertThat(watch.stop()).isFalse();
		Thread.sleep(5);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void aTimerRacingTheEndOfItsAttemptNeverLeavesAnInterrupt() {
		// timers of 0 to 20 microseconds fire around the moment stop() is called
		for (int i = 0; i < 20_000; i++) {
			AttemptTimer.Watch watch = this.timer.start(i % 20_000);
			Thread.onSpinWait();
			watch.stop();
			assertThat(Thread.currentThread().isInterrupted()).as("after race %d", i).isFalse();
		}
	}

}
