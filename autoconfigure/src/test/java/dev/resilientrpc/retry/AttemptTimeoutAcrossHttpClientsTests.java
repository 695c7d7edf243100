package dev.resilientrpc.retry;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilientrpc.retry.Faults.Delay;
import dev.resilientrpc.retry.Faults.Ok;
import dev.resilientrpc.retry.client.RetryClientApplication.DeadlineClient;
import dev.resilientrpc.retry.client.RetryClientApplication.PatientClient;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Attempt timeouts and deadlines cut slow attempts short with each HTTP client Spring
 * Boot can pick: the JDK client answers the attempt timer's interrupt, Apache HttpClient
 * 5 gets a response timeout per request.
 */
class AttemptTimeoutAcrossHttpClientsTests {

	private final RetryFixture fixture = RetryFixture.get();

	@ParameterizedTest
	@ValueSource(strings = { "jdk", "http-components" })
	void slowAttemptsAreCutShortAtTheirTimeoutAndAtTheDeadline(String factory) {
		try (ConfigurableApplicationContext client = this.fixture
			.startClient("spring.http.clients.imperative.factory=" + factory)) {
			String retried = UUID.randomUUID().toString();
			Faults.script(retried, new Delay(2500), new Ok());
			assertThat(client.getBean(PatientClient.class).read(retried)).isEqualTo("ok " + retried);
			// the first request to arrive is held for 2.5s, far past the 300ms attempt
			// timeout: the call can only succeed through a later attempt. On a loaded
			// machine a request can also arrive late, after the next one, so more than
			// two
			// may arrive; each is a different attempt of the same call.
			assertThat(Faults.arrivals(retried)).hasSizeGreaterThanOrEqualTo(2)
				.extracting(Faults.Arrival::attempt)
				.doesNotHaveDuplicates();

			String slow = UUID.randomUUID().toString();
			Faults.script(slow, new Delay(2500));
			long start = System.nanoTime();
			assertThatExceptionOfType(DeadlineExceededException.class)
				.isThrownBy(() -> client.getBean(DeadlineClient.class).read(slow));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		}
	}

}
