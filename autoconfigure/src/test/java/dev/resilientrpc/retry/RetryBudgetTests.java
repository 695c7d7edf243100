package dev.resilientrpc.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The token bucket of {@link RetryBudget}.
 */
class RetryBudgetTests {

	@Test
	void retriesAreAllowedOnlyWhileMoreThanHalfOfTheTokensAreLeft() {
		RetryBudget budget = new RetryBudget(10, 0.1);
		for (int i = 0; i < 4; i++) {
			budget.onFailure();
		}
		assertThat(budget.getTokens()).isEqualTo(6.0);
		assertThat(budget.canRetry()).isTrue();
		budget.onFailure();
		assertThat(budget.canRetry()).as("5 is not more than half of 10").isFalse();
		for (int i = 0; i < 10; i++) {
			budget.onSuccess();
		}
		assertThat(budget.getTokens()).isEqualTo(6.0);
		assertThat(budget.canRetry()).isTrue();
	}

	@Test
	void tokensStayBetweenZeroAndMax() {
		RetryBudget budget = new RetryBudget(3, 1);
		for (int i = 0; i < 10; i++) {
			budget.onFailure();
		}
		assertThat(budget.getTokens()).isZero();
		for (int i = 0; i < 10; i++) {
			budget.onSuccess();
		}
		assertThat(budget.getTokens()).isEqualTo(3.0);
	}

	@Test
	void badValuesAreRefusedWithTheValueAndTheExpectation() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(0, 0.1))
			.withMessage("maxTokens: 0 (expected: 1 to 1000000)");
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(10, 0))
			.withMessage("tokenRatio: 0.0 (expected: > 0 and <= 1)");
	}

	@Test
	void concurrentUpdatesLoseNoTokenAndNeverLeaveTheBounds() throws Exception {
		// 16 threads; failures alone, fewer than the bucket holds: the count must be
		// exact
		RetryBudget budget = new RetryBudget(100_000, 0.001);
		run(16, (random) -> budget.onFailure(), 5_000, () -> {
		});
		assertThat(budget.getTokens()).isEqualTo(100_000 - 16 * 5_000);

		// mixed updates at the bounds: a reader must never see a value outside [0, max]
		RetryBudget small = new RetryBudget(5, 0.5);
		AtomicBoolean outOfBounds = new AtomicBoolean();
		run(16, (random) -> {
			if (random.nextBoolean()) {
				small.onFailure();
			}
			else {
				small.onSuccess();
			}
		}, 20_000, () -> {
			double tokens = small.getTokens();
			if (tokens < 0 || tokens > 5) {
				outOfBounds.set(true);
			}
		});
		assertThat(outOfBounds).isFalse();
		assertThat(small.getTokens()).isBetween(0.0, 5.0);
	}

	private static void run(int threads, java.util.function.Consumer<ThreadLocalRandom> action, int times,
			Runnable check) throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < times; i++) {
					action.accept(random);
					check.run();
				}
			});
			workers.add(thread);
			thread.start();
		}
		start.countDown();
		for (Thread thread : workers) {
			thread.join();
		}
	}

}
