package dev.resilientrpc.retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The Spring {@link org.springframework.util.backoff.BackOff} each kind of policy makes.
 */
class BackOffTests {

	private static List<Long> waits(BackOffExecution execution) {
		List<Long> waits = new ArrayList<>();
		for (long wait = execution.nextBackOff(); wait != BackOffExecution.STOP; wait = execution.nextBackOff()) {
			waits.add(wait);
		}
		return waits;
	}

	@Test
	void fixedWaitsTheDelayMaxAttemptsMinusOneTimesCappedByMaxDelay() {
		RpcRetryPolicy policy = RpcRetryPolicy.builder("p")
			.backoff(BackoffKind.FIXED)
			.maxAttempts(4)
			.delay(Duration.ofMillis(300))
			.maxDelay(Duration.ofMillis(250))
			.build();
		assertThat(waits(policy.getBackOff().start())).containsExactly(250L, 250L, 250L);
	}

	@Test
	void exponentialMultipliesUpToMaxDelay() {
		RpcRetryPolicy policy = RpcRetryPolicy.builder("p")
			.maxAttempts(7)
			.initialDelay(Duration.ofMillis(10))
			.multiplier(3)
			.jitter(0)
			.maxDelay(Duration.ofMillis(500))
			.build();
		assertThat(waits(policy.getBackOff().start())).containsExactly(10L, 30L, 90L, 270L, 500L, 500L);
	}

	@Test
	void randomDrawsFromTheGivenGeneratorBetweenMinAndMax() {
		SplittableRandom random = new SplittableRandom(42);
		RandomBackOff backOff = new RandomBackOff(20, 30, 1000, () -> random);
		List<Long> waits = waits(backOff.start());
		assertThat(waits).hasSize(1000).allSatisfy((wait) -> assertThat(wait).isBetween(20L, 30L));
		assertThat(waits).contains(20L, 30L);
		assertThat(waits(new RandomBackOff(5, 5, 2).start())).containsExactly(5L, 5L);
		assertThat(waits(new RandomBackOff(5, 50, 0).start())).isEmpty();
	}

	@Test
	void oneAttemptMeansNoWait() {
		for (BackoffKind kind : BackoffKind.values()) {
			RpcRetryPolicy policy = RpcRetryPolicy.builder("p").backoff(kind).maxAttempts(1).build();
			assertThat(waits(policy.getBackOff().start())).as(kind.name()).isEmpty();
		}
	}

	@Test
	void theBuilderRefusesValuesOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> RpcRetryPolicy.builder("p").maxAttempts(0).build())
			.withMessage("maxAttempts must be greater than or equal to 1.");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcRetryPolicy.builder("p").delay(Duration.ofMillis(-1)).build())
			.withMessage("delay must not be negative.");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcRetryPolicy.builder("p").multiplier(0.5).build())
			.withMessage("multiplier must be greater than or equal to 1.");
		assertThatIllegalArgumentException().isThrownBy(() -> RpcRetryPolicy.builder("p").jitter(1.5).build())
			.withMessage("jitter must be between 0 and 1.");
		assertThatIllegalArgumentException().isThrownBy(
				() -> RpcRetryPolicy.builder("p").backoff(BackoffKind.RANDOM).minDelay(Duration.ofSeconds(3)).build())
			.withMessage("minDelay must not be greater than maxDelay.");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcRetryPolicy.builder("p").timeout(Duration.ZERO).build())
			.withMessage("timeout must be positive.");
	}

}
