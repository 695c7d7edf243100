package dev.resilientrpc.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.retry.client.RetryClientApplication.OutageClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry budget caps attempts under a total outage: every call of service
 * {@code outage} is shed with {@code -32002}; its policy makes 5 attempts per call and
 * its budget has 10 tokens with a token ratio of 0.1.
 */
class BudgetIntegrationTests {

	private final RetryFixture fixture = RetryFixture.get();

	@Test
	void underATotalOutageTheBudgetCapsAttemptsPerCallAndCallsFailFast() {
		MeterRegistry meters = this.fixture.client(MeterRegistry.class);
		OutageClient outage = this.fixture.client(OutageClient.class);
		String id = UUID.randomUUID().toString();
		Faults.script(id, new Faults.Fail(RpcErrorCodes.OVERLOADED));
		int calls = 100;
		List<RuntimeException> failures = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			try {
				outage.read(id);
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		}
		double attempts = Faults.arrivals(id).size();
		assertThat(WhatIsRetriedIntegrationTests.attempts(meters, "outage")).isEqualTo(attempts);
		assertThat(failures).hasSize(calls);
		assertThat(attempts / calls).as("attempts per call").isLessThanOrEqualTo(1 + 0.1);
		// 10 tokens, retries allowed above 5: the first call makes its 5 attempts (10 ->
		// 5 tokens),
		// the second fails once more and from then on every call makes one attempt
		assertThat(attempts).isEqualTo(5 + (calls - 1));
		assertThat(failures.get(0)).isInstanceOf(RpcRemoteException.class);
		assertThat(failures.subList(1, calls))
			.allSatisfy((ex) -> assertThat(ex).isInstanceOf(RetryBudgetExhaustedException.class)
				.hasMessageContaining("Retry budget of service 'outage' is exhausted"));
		assertThat(meters.counter("resilientrpc.client.retry.budget.exhausted", "service", "outage").count())
			.isEqualTo(calls - 1);
		assertThat(meters.get("resilientrpc.client.retry.budget.tokens").tag("service", "outage").gauge().value())
			.isZero();
	}

}
