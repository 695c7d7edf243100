package dev.resilientrpc.retry;

import java.net.ConnectException;
import java.net.URI;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.RpcApplicationException;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.retry.TestCalls.FakeTime;
import dev.resilientrpc.retry.TestCalls.ScriptedTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The per-instance breakers: what they record, their names and configuration, and the
 * availability they report.
 */
class CircuitBreakerInterceptorTests {

	private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

	private final InstanceCircuitBreakers breakers = new InstanceCircuitBreakers(this.registry,
			ResilienceListener.NONE);

	private RpcClient client(ScriptedTransport transport) {
		return TestCalls.client(TestCalls.policy().maxAttempts(1).build(), new RetryBudget(10, 0.1), new FakeTime(),
				transport, new CircuitBreakerInterceptor(this.breakers));
	}

	@Test
	void aBreakerIsNamedAfterTheServiceAndTheInstanceAddress() {
		assertThat(InstanceCircuitBreakers.nameOf(TestCalls.INSTANCE)).isEqualTo("svc@127.0.0.1:1");
		assertThat(InstanceCircuitBreakers.nameOf(new ServiceInstance("kv", URI.create("https://kv.example/rpc"))))
			.isEqualTo("kv@kv.example:443");
	}

	@Test
	void answeredErrorsCountAsSuccessAndTransportFailuresAndOverloadAsFailure() {
		client(new ScriptedTransport("ok")).execute(TestCalls.call("call"));
		assertThatExceptionOfType(RpcApplicationException.class)
			.isThrownBy(() -> client(new ScriptedTransport(new RpcApplicationException("svc.call", "boom", null)))
				.execute(TestCalls.call("call")));
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> client(
				new ScriptedTransport(new RpcRemoteException("svc.call", RpcErrorCodes.STALE, "stale", null, null)))
			.execute(TestCalls.call("call")));
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> client(
				new ScriptedTransport(new RpcRemoteException("svc.call", RpcErrorCodes.OVERLOADED, "busy", null, null)))
			.execute(TestCalls.call("call")));
		assertThatExceptionOfType(RpcConnectException.class).isThrownBy(() -> client(
				new ScriptedTransport(new RpcConnectException(TestCalls.INSTANCE.endpoint(), new ConnectException())))
			.execute(TestCalls.call("call")));
		CircuitBreaker.Metrics metrics = this.breakers.forInstance(TestCalls.INSTANCE).getMetrics();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(3);
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(2);
	}

	@Test
	void anOpenBreakerRefusesWithARetryableExceptionAndMakesTheInstanceUnavailable() {
		CircuitBreaker breaker = this.breakers.forInstance(TestCalls.INSTANCE);
		CircuitBreakerInstanceAvailability availability = new CircuitBreakerInstanceAvailability(this.breakers);
		assertThat(availability.isAvailable(TestCalls.INSTANCE)).isTrue();
		breaker.transitionToOpenState();
		ScriptedTransport transport = new ScriptedTransport("ok");
		assertThatExceptionOfType(CircuitOpenException.class)
			.isThrownBy(() -> client(transport).execute(TestCalls.call("call")))
			.satisfies((ex) -> assertThat(ex.isRetryable()).isTrue());
		assertThat(transport.attempts).isEmpty();
		assertThat(availability.isAvailable(TestCalls.INSTANCE)).isFalse();
		assertThat(availability.isAvailable(new ServiceInstance("svc", URI.create("http://127.0.0.2:1/rpc"))))
			.as("no breaker yet: available")
			.isTrue();
	}

	@Test
	void anOpenBreakerWhoseWaitHasPassedIsAvailableForTrialCalls() {
		this.registry.addConfiguration("svc",
				CircuitBreakerConfig.custom().waitDurationInOpenState(java.time.Duration.ofMillis(1)).build());
		CircuitBreaker breaker = this.breakers.forInstance(TestCalls.INSTANCE);
		breaker.transitionToOpenState();
		try {
			Thread.sleep(5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(new CircuitBreakerInstanceAvailability(this.breakers).isAvailable(TestCalls.INSTANCE)).isTrue();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

	@Test
	void aBreakerTakesTheConfigurationNamedAfterItsService() {
		this.registry.addConfiguration("svc", CircuitBreakerConfig.custom().slidingWindowSize(7).build());
		assertThat(this.breakers.forInstance(TestCalls.INSTANCE).getCircuitBreakerConfig().getSlidingWindowSize())
			.isEqualTo(7);
	}

}
