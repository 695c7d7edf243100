package dev.resilientrpc.retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.observation.ResilientRpcMeters;

/**
 * Records what the resilience machinery does as Micrometer meters:
 * <ul>
 * <li>{@code resilientrpc.client.attempts} (counter; {@code service}, {@code method}):
 * attempts sent;</li>
 * <li>{@code resilientrpc.client.retries} (counter; {@code service}, {@code method},
 * {@code reason}): retries by {@link RetryReason};</li>
 * <li>{@code resilientrpc.client.retry.budget.exhausted} (counter; {@code service}):
 * failures not retried because the budget was spent;</li>
 * <li>{@code resilientrpc.client.retry.budget.tokens} (gauge; {@code service}): tokens
 * left;</li>
 * <li>{@code resilientrpc.client.circuitbreaker.transitions} (counter; {@code service},
 * {@code name}, {@code from}, {@code to}): breaker state changes.</li>
 * </ul>
 * Logical calls and their duration are the {@code rpc.client.call.duration}
 * observation's, not a meter of this listener. Meters are looked up once per method and
 * cached, so recording allocates nothing.
 */
public final class MicrometerResilienceListener implements ResilienceListener {

	private final MeterRegistry registry;

	private final Map<String, MethodMeters> methods = new ConcurrentHashMap<>();

	private final Map<String, Counter> exhausted = new ConcurrentHashMap<>();

	/**
	 * Create a new listener.
	 * @param registry the registry to record in
	 */
	public MicrometerResilienceListener(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Publish the token count of each service's retry budget as a gauge.
	 * @param budgets the budgets
	 * @param service the service
	 */
	public void bindBudget(RetryBudgets budgets, String service) {
		Gauge
			.builder(ResilientRpcMeters.CLIENT + "retry.budget.tokens", budgets,
					(all) -> all.forService(service).getTokens())
			.tag("service", service)
			.description("Tokens left in the service's retry budget")
			.register(this.registry);
	}

	private MethodMeters meters(ClientCall call) {
		String method = call.getMethod().name();
		MethodMeters meters = this.methods.get(method);
		return (meters != null) ? meters : this.methods.computeIfAbsent(method,
				(name) -> new MethodMeters(this.registry, call.getService(), name));
	}

	@Override
	public void onAttempt(ClientCall call) {
		meters(call).attempts.increment();
	}

	@Override
	public void onRetry(ClientCall call, RetryReason reason, long delayMillis) {
		meters(call).retries[reason.ordinal()].increment();
	}

	@Override
	public void onBudgetExhausted(ClientCall call) {
		this.exhausted
			.computeIfAbsent(call.getService(),
					(service) -> Counter.builder(ResilientRpcMeters.CLIENT + "retry.budget.exhausted")
						.tag("service", service)
						.description("Failed attempts not retried because the retry budget was spent")
						.register(this.registry))
			.increment();
	}

	@Override
	public void onCircuitBreakerTransition(String service, String breaker, String fromState, String toState) {
		Counter.builder(ResilientRpcMeters.CLIENT + "circuitbreaker.transitions")
			.tag("service", service)
			.tag("name", breaker)
			.tag("from", fromState)
			.tag("to", toState)
			.description("State transitions of the instances' circuit breakers")
			.register(this.registry)
			.increment();
	}

	private static final class MethodMeters {

		private final Counter attempts;

		private final Counter[] retries;

		MethodMeters(MeterRegistry registry, String service, String method) {
			this.attempts = Counter.builder(ResilientRpcMeters.CLIENT + "attempts")
				.tags("service", service, "method", method)
				.description("Attempts sent, first attempts and retries")
				.register(registry);
			RetryReason[] reasons = RetryReason.values();
			this.retries = new Counter[reasons.length];
			for (RetryReason reason : reasons) {
				this.retries[reason.ordinal()] = Counter.builder(ResilientRpcMeters.CLIENT + "retries")
					.tags("service", service, "method", method, "reason", reason.tag())
					.description("Retries, by the reason of the failure retried")
					.register(registry);
			}
		}

	}

}
