package dev.resilientrpc.retry;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.retry.Faults.Fail;
import dev.resilientrpc.retry.Faults.Ok;
import dev.resilientrpc.retry.client.RetryClientApplication.ExponentialClient;
import dev.resilientrpc.retry.client.RetryClientApplication.FixedClient;
import dev.resilientrpc.retry.client.RetryClientApplication.JitteryClient;
import dev.resilientrpc.retry.client.RetryClientApplication.RandomClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each back-off kind yields the configured waits, against the fault-injecting server over
 * loopback HTTP; the waits are recorded by {@link VirtualTime}, not spent.
 */
class BackoffIntegrationTests {

	private final RetryFixture fixture = RetryFixture.get();

	private final VirtualTime time = this.fixture.client(VirtualTime.class);

	@BeforeEach
	void reset() {
		this.time.reset();
	}

	private static String failThenSucceed(int failures) {
		String id = UUID.randomUUID().toString();
		Faults.Step[] script = new Faults.Step[failures + 1];
		Arrays.fill(script, new Fail(RpcErrorCodes.OVERLOADED));
		script[failures] = new Ok();
		Faults.script(id, script);
		return id;
	}

	@Test
	void fixedBackoffWaitsTheSameDelayBeforeEveryRetry() {
		String id = failThenSucceed(3);
		assertThat(this.fixture.client(FixedClient.class).read(id)).isEqualTo("ok " + id);
		assertThat(this.time.sleeps()).containsExactly(100L, 100L, 100L);
		assertThat(Faults.arrivals(id)).hasSize(4);
	}

	@Test
	void exponentialBackoffMultipliesTheDelayUpToMaxDelay() {
		String id = failThenSucceed(5);
		assertThat(this.fixture.client(ExponentialClient.class).read(id)).isEqualTo("ok " + id);
		assertThat(this.time.sleeps()).containsExactly(50L, 100L, 200L, 300L, 300L);
	}

	@Test
	void exponentialBackoffWithJitterStaysWithinTheJitterOfEachDelay() {
		for (int round = 0; round < 5; round++) {
			this.time.reset();
			String id = failThenSucceed(4);
			this.fixture.client(JitteryClient.class).read(id);
			List<Long> sleeps = this.time.sleeps();
			assertThat(sleeps).hasSize(4);
			long delay = 100;
			for (long sleep : sleeps) {
				// Spring's ExponentialBackOff: delay +/- jitter x delay, never below the
				// initial delay
				assertThat(sleep).isBetween(Math.max(100, delay / 2), delay + delay / 2);
				delay *= 2;
			}
		}
	}

	@Test
	void randomBackoffDrawsEachDelayBetweenMinAndMaxDelay() {
		String id = failThenSucceed(5);
		assertThat(this.fixture.client(RandomClient.class).read(id)).isEqualTo("ok " + id);
		List<Long> sleeps = this.time.sleeps();
		assertThat(sleeps).hasSize(5).allSatisfy((sleep) -> assertThat(sleep).isBetween(20L, 200L));
		assertThat(sleeps).as("five uniform draws from 181 values are not all equal")
			.isNotEqualTo(List.of(sleeps.get(0), sleeps.get(0), sleeps.get(0), sleeps.get(0), sleeps.get(0)));
	}

	@Test
	void everyAttemptCarriesTheSameIdempotencyKeyAndTheNextAttemptNumber() {
		String id = failThenSucceed(3);
		this.fixture.client(FixedClient.class).read(id);
		List<Faults.Arrival> arrivals = Faults.arrivals(id);
		assertThat(arrivals).extracting(Faults.Arrival::attempt).containsExactly("1", "2", "3", "4");
		assertThat(arrivals).extracting(Faults.Arrival::idempotencyKey).containsOnly(arrivals.get(0).idempotencyKey());
	}

}
