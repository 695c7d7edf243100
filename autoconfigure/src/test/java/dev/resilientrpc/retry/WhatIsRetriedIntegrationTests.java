package dev.resilientrpc.retry;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilientrpc.client.RpcApplicationException;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTimeoutException;
import dev.resilientrpc.client.RpcTransportException;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.retry.Faults.Delay;
import dev.resilientrpc.retry.Faults.Fail;
import dev.resilientrpc.retry.Faults.Ok;
import dev.resilientrpc.retry.Faults.Throw;
import dev.resilientrpc.retry.client.RetryClientApplication.ClosingClient;
import dev.resilientrpc.retry.client.RetryClientApplication.DedupClient;
import dev.resilientrpc.retry.client.RetryClientApplication.DownClient;
import dev.resilientrpc.retry.client.RetryClientApplication.FixedClient;
import dev.resilientrpc.retry.client.RetryClientApplication.PatientClient;
import dev.resilientrpc.retry.client.RetryClientApplication.PlainClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What is retried and what is not, against the fault-injecting server over loopback HTTP.
 * The default policy of these tests makes 3 attempts with a fixed 10ms wait.
 */
class WhatIsRetriedIntegrationTests {

	private final RetryFixture fixture = RetryFixture.get();

	private final VirtualTime time = this.fixture.client(VirtualTime.class);

	private final PlainClient plain = this.fixture.client(PlainClient.class);

	@BeforeEach
	void reset() {
		this.time.reset();
	}

	private static String script(Faults.Step... steps) {
		String id = UUID.randomUUID().toString();
		Faults.script(id, steps);
		return id;
	}

	@ParameterizedTest
	@ValueSource(ints = { RpcErrorCodes.STALE, RpcErrorCodes.DEADLINE_EXCEEDED, RpcErrorCodes.IDEMPOTENCY_KEY_REUSED,
			RpcErrorCodes.CLOCK_SKEW, RpcErrorCodes.METHOD_NOT_FOUND, RpcErrorCodes.INVALID_PARAMS,
			RpcErrorCodes.INTERNAL_ERROR, RpcErrorCodes.INVALID_REQUEST })
	void nonRetryableCodesAreNeverRetriedEvenWhenTheMethodIsIdempotent(int code) {
		String id = script(new Fail(code), new Ok());
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> this.plain.read(id))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(code));
		assertThat(Faults.arrivals(id)).hasSize(1);
		assertThat(this.time.sleeps()).isEmpty();
	}

	@Test
	void applicationExceptionsAreNotRetriedUnlessThePolicyListsThem() {
		String notListed = script(new Throw(new IllegalStateException("no")), new Ok());
		assertThatExceptionOfType(RpcApplicationException.class).isThrownBy(() -> this.plain.read(notListed));
		assertThat(Faults.arrivals(notListed)).hasSize(1);
		String listed = script(new Throw(new ConcurrentModificationException("again")), new Ok());
		assertThat(this.plain.call(listed)).isEqualTo("ok " + listed);
		assertThat(Faults.arrivals(listed)).hasSize(2);
	}

	@Test
	void overloadedAndDuplicateInFlightAreRetriedWhenTheMethodIsIdempotent() {
		String id = script(new Fail(RpcErrorCodes.OVERLOADED), new Fail(RpcErrorCodes.DUPLICATE_IN_FLIGHT), new Ok());
		assertThat(this.plain.read(id)).isEqualTo("ok " + id);
		assertThat(Faults.arrivals(id)).hasSize(3);
		assertThat(this.time.sleeps()).containsExactly(10L, 10L);
	}

	@Test
	void overloadedIsRetriedEvenWhenTheCallIsNotSafeToRepeatBecauseItDidNotRun() {
		String id = script(new Fail(RpcErrorCodes.OVERLOADED), new Ok());
		assertThat(this.plain.call(id)).isEqualTo("ok " + id);
		assertThat(Faults.arrivals(id)).hasSize(2);
	}

	@Test
	void duplicateInFlightIsNotRetriedWhenTheCallIsNotSafeToRepeat() {
		String id = script(new Fail(RpcErrorCodes.DUPLICATE_IN_FLIGHT), new Ok());
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> this.plain.call(id))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(RpcErrorCodes.DUPLICATE_IN_FLIGHT));
		assertThat(Faults.arrivals(id)).hasSize(1);
	}

	@Test
	void everyMethodOfAServiceWhoseServerDeduplicatesIsRetriedWithTheServicePolicy() {
		String id = script(new Fail(RpcErrorCodes.OVERLOADED), new Fail(RpcErrorCodes.OVERLOADED), new Ok());
		assertThat(this.fixture.client(DedupClient.class).call(id)).isEqualTo("ok " + id);
		assertThat(Faults.arrivals(id)).hasSize(3);
		assertThat(this.time.sleeps()).as("the service's policy 'fixed' waits 100ms").containsExactly(100L, 100L);
	}

	@Test
	void retryAfterIsHonouredWhenLongerThanTheBackoff() {
		String id = script(new Fail(RpcErrorCodes.OVERLOADED, 1000), new Ok());
		assertThat(this.fixture.client(FixedClient.class).read(id)).isEqualTo("ok " + id);
		assertThat(this.time.sleeps()).containsExactly(1000L);
	}

	@Test
	void retryAfterLongerThanMaxDelayEndsTheCallInsteadOfWaiting() {
		String id = script(new Fail(RpcErrorCodes.OVERLOADED, 5000), new Ok());
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> this.plain.read(id))
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(5)));
		assertThat(Faults.arrivals(id)).hasSize(1);
		assertThat(this.time.sleeps()).isEmpty();
	}

	@Test
	void connectionFailuresAreRetriedEvenWhenTheCallIsNotSafeToRepeat() {
		MeterRegistry meters = this.fixture.client(MeterRegistry.class);
		double before = attempts(meters, "down");
		assertThatExceptionOfType(RpcConnectException.class)
			.isThrownBy(() -> this.fixture.client(DownClient.class).call("x"))
			.satisfies((ex) -> assertThat(ex.getSuppressed()).as("the two earlier attempts").hasSize(2));
		assertThat(attempts(meters, "down") - before).isEqualTo(3);
	}

	@Test
	void aConnectionClosedWithoutAnswerIsRetriedOnlyWhenTheCallIsSafeToRepeat() {
		RetryFixture.ConnectionCloser closer = this.fixture.closer();
		ClosingClient closing = this.fixture.client(ClosingClient.class);
		int before = closer.connections();
		assertThatExceptionOfType(RpcTransportException.class).isThrownBy(() -> closing.call("x"))
			.satisfies((ex) -> assertThat(ex.mayHaveBeenSent()).isTrue());
		assertThat(closer.connections() - before).isEqualTo(1);
		before = closer.connections();
		assertThatExceptionOfType(RpcTransportException.class).isThrownBy(() -> closing.read("x"));
		assertThat(closer.connections() - before).isEqualTo(3);
	}

	@Test
	void anAttemptOverItsTimeoutIsCutShortAndRetriedOnlyWhenSafeToRepeat() {
		PatientClient patient = this.fixture.client(PatientClient.class);
		String idempotent = script(new Delay(2500), new Ok());
		assertThat(patient.read(idempotent)).isEqualTo("ok " + idempotent);
		assertThat(Faults.arrivals(idempotent)).hasSize(2);
		assertThat(Thread.currentThread().isInterrupted()).as("the timer's interrupt is cleared").isFalse();
		String once = script(new Delay(2500), new Ok());
		long start = System.nanoTime();
		assertThatExceptionOfType(RpcTimeoutException.class).isThrownBy(() -> patient.call(once));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("cut short, not the server's 2.5s")
			.isLessThan(Duration.ofMillis(2000));
		assertThat(Faults.arrivals(once)).hasSize(1);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	static double attempts(MeterRegistry meters, String service) {
		return meters.find("resilientrpc.client.attempts")
			.tag("service", service)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

}
