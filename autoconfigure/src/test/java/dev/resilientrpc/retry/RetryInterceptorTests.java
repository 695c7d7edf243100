package dev.resilientrpc.retry;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTimeoutException;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.retry.TestCalls.FakeTime;
import dev.resilientrpc.retry.TestCalls.ScriptedTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The retry loop on a client chain without HTTP, timed by a clock that moves only when
 * the loop waits.
 */
class RetryInterceptorTests {

	private final FakeTime time = new FakeTime();

	private static RpcRemoteException overloaded() {
		return new RpcRemoteException("svc.read", RpcErrorCodes.OVERLOADED, "Overloaded", null, null);
	}

	private static RpcConnectException refused() {
		return new RpcConnectException(TestCalls.INSTANCE.endpoint(), new java.net.ConnectException("refused"));
	}

	@Test
	void theLoopStopsBeforeAWaitThatWouldEndAfterTheDeadline() {
		RpcRetryPolicy policy = TestCalls.policy().maxAttempts(10).timeout(Duration.ofMillis(350)).build();
		ScriptedTransport transport = new ScriptedTransport(overloaded());
		RpcClient client = TestCalls.client(policy, new RetryBudget(100, 0.1), this.time, transport);
		long start = this.time.nanoTime();
		assertThatExceptionOfType(DeadlineExceededException.class)
			.isThrownBy(() -> client.execute(TestCalls.call("read")))
			.satisfies((ex) -> assertThat(ex.getCause()).isInstanceOf(RpcRemoteException.class));
		assertThat(this.time.sleeps).containsExactly(100L, 100L, 100L);
		assertThat(transport.attempts).containsExactly(1, 2, 3, 4);
		assertThat(Duration.ofNanos(this.time.nanoTime() - start)).isLessThanOrEqualTo(Duration.ofMillis(350));
	}

	@Test
	void eachAttemptSendsWhatIsLeftOfTheDeadline() {
		RpcRetryPolicy policy = TestCalls.policy().maxAttempts(3).timeout(Duration.ofMillis(1000)).build();
		java.util.List<String> timeouts = new java.util.ArrayList<>();
		ScriptedTransport transport = new ScriptedTransport(
				(java.util.function.Function<dev.resilientrpc.client.ClientCall, Object>) (call) -> {
					timeouts.add(call.getHeaders().get(RpcHeaders.TIMEOUT));
					throw overloaded();
				});
		RpcClient client = TestCalls.client(policy, new RetryBudget(100, 0.1), this.time, transport);
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> client.execute(TestCalls.call("read")));
		assertThat(timeouts).containsExactly("1000", "900", "800");
	}

	@Test
	void anEmptyBudgetFailsTheCallFastWithTheLastFailureAsCause() {
		RetryBudget budget = new RetryBudget(4, 0.1);
		RpcRetryPolicy policy = TestCalls.policy().maxAttempts(10).build();
		ScriptedTransport transport = new ScriptedTransport(overloaded());
		RpcClient client = TestCalls.client(policy, budget, this.time, transport);
		// 4 tokens, retries allowed above 2: failures take 4 -> 3 -> 2, then no retry
		assertThatExceptionOfType(RetryBudgetExhaustedException.class)
			.isThrownBy(() -> client.execute(TestCalls.call("read")))
			.satisfies((ex) -> {
				assertThat(ex.getAttempts()).isEqualTo(2);
				assertThat(ex.getCause()).isInstanceOf(RpcRemoteException.class);
				assertThat(ex.isRetryable()).isFalse();
			});
		assertThat(transport.attempts).containsExactly(1, 2);
		assertThat(budget.getTokens()).isEqualTo(2.0);
	}

	@Test
	void refusedConnectionsNeitherTakeNorNeedTokens() {
		RetryBudget budget = new RetryBudget(4, 0.1);
		budget.onFailure();
		budget.onFailure();
		assertThat(budget.canRetry()).isFalse();
		ScriptedTransport transport = new ScriptedTransport(refused(), refused(), "done");
		RpcClient client = TestCalls.client(TestCalls.policy().maxAttempts(3).build(), budget, this.time, transport);
		assertThat(client.execute(TestCalls.call("call"))).isEqualTo("done");
		assertThat(transport.attempts).containsExactly(1, 2, 3);
		assertThat(budget.getTokens()).isEqualTo(2.1);
	}

	@Test
	void aRetryAfterAnOpenBreakerNeedsTheBudget() {
		RetryBudget budget = new RetryBudget(4, 0.1);
		budget.onFailure();
		budget.onFailure();
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("svc@127.0.0.1:1");
		breaker.transitionToForcedOpenState();
		ScriptedTransport transport = new ScriptedTransport(new CircuitOpenException(TestCalls.INSTANCE,
				CallNotPermittedException.createCallNotPermittedException(breaker)), "done");
		RpcClient client = TestCalls.client(TestCalls.policy().maxAttempts(3).build(), budget, this.time, transport);
		assertThatExceptionOfType(RetryBudgetExhaustedException.class)
			.isThrownBy(() -> client.execute(TestCalls.call("call")))
			.withCauseInstanceOf(CircuitOpenException.class);
		assertThat(budget.getTokens()).isEqualTo(2.0);
	}

	@Test
	void anOpenBreakerIsRetriedEvenWhenTheCallIsNotSafeToRepeatAndCostsNoToken() {
		RetryBudget budget = new RetryBudget(10, 0.1);
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("svc@127.0.0.1:1");
		breaker.transitionToForcedOpenState();
		CircuitOpenException open = new CircuitOpenException(TestCalls.INSTANCE,
				CallNotPermittedException.createCallNotPermittedException(breaker));
		ScriptedTransport transport = new ScriptedTransport(open, open, "done");
		RpcClient client = TestCalls.client(TestCalls.policy().maxAttempts(3).build(), budget, this.time, transport);
		assertThat(client.execute(TestCalls.call("call"))).isEqualTo("done");
		assertThat(budget.getTokens()).isEqualTo(10.0);
	}

	@Test
	void aTimeoutIsRetriedOnlyWhenTheMethodIsIdempotent() {
		RpcTimeoutException timeout = new RpcTimeoutException(TestCalls.INSTANCE.endpoint(),
				new java.net.http.HttpTimeoutException("slow"));
		ScriptedTransport once = new ScriptedTransport(timeout, "done");
		RpcClient notIdempotent = TestCalls.client(TestCalls.policy().build(), new RetryBudget(10, 0.1), this.time,
				once);
		assertThatExceptionOfType(RpcTimeoutException.class)
			.isThrownBy(() -> notIdempotent.execute(TestCalls.call("call")));
		assertThat(once.attempts).containsExactly(1);
		ScriptedTransport twice = new ScriptedTransport(timeout, "done");
		RpcClient idempotent = TestCalls.client(TestCalls.policy().build(), new RetryBudget(10, 0.1), this.time, twice);
		assertThat(idempotent.execute(TestCalls.call("read"))).isEqualTo("done");
		assertThat(twice.attempts).containsExactly(1, 2);
	}

	@Test
	void usedUpAttemptsThrowTheLastFailureWithTheEarlierOnesSuppressed() {
		RpcConnectException first = refused();
		RpcConnectException second = refused();
		RpcConnectException third = refused();
		ScriptedTransport transport = new ScriptedTransport(first, second, third);
		RpcClient client = TestCalls.client(TestCalls.policy().maxAttempts(3).build(), new RetryBudget(10, 0.1),
				this.time, transport);
		assertThatExceptionOfType(RpcConnectException.class).isThrownBy(() -> client.execute(TestCalls.call("call")))
			.satisfies((ex) -> {
				assertThat(ex).isSameAs(third);
				assertThat(ex.getSuppressed()).containsExactly(first, second);
			});
	}

	@Test
	void errorsAreNeverRetried() {
		ScriptedTransport transport = new ScriptedTransport(new AssertionError("bug"), "done");
		RpcClient client = TestCalls.client(TestCalls.policy().build(), new RetryBudget(10, 0.1), this.time, transport);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.execute(TestCalls.call("read")));
		assertThat(transport.attempts).containsExactly(1);
	}

	@Test
	void aSingleAttemptPolicyStillFeedsTheBudget() {
		RetryBudget budget = new RetryBudget(10, 0.5);
		ScriptedTransport failing = new ScriptedTransport(overloaded());
		RpcClient client = TestCalls.client(TestCalls.policy().maxAttempts(1).build(), budget, this.time, failing);
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> client.execute(TestCalls.call("read")));
		assertThat(budget.getTokens()).isEqualTo(9.0);
		RpcClient succeeding = TestCalls.client(TestCalls.policy().maxAttempts(1).build(), budget, this.time,
				new ScriptedTransport("done"));
		succeeding.execute(TestCalls.call("call"));
		assertThat(budget.getTokens()).isEqualTo(9.5);
	}

	@Test
	void aCallWhoseInheritedDeadlineHasPassedIsNotSent() {
		ScriptedTransport transport = new ScriptedTransport("done");
		RpcClient client = TestCalls.client(TestCalls.policy().build(), new RetryBudget(10, 0.1), this.time, transport);
		Deadline previous = DeadlineContext.bind(Deadline.after(0, this.time));
		try {
			assertThatExceptionOfType(DeadlineExceededException.class)
				.isThrownBy(() -> client.execute(TestCalls.call("read")));
		}
		finally {
			DeadlineContext.restore(previous);
		}
		assertThat(transport.attempts).isEmpty();
	}

}
