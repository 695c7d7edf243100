package dev.resilientrpc.autoconfigure.retry;

import java.util.Map;
import java.util.TreeMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointContributor;
import dev.resilientrpc.retry.InstanceCircuitBreakers;

/**
 * The {@code circuitBreakers} part of the {@code resilientrpc} endpoint: per service, the
 * breaker of every instance called so far, by breaker name
 * ({@code <service>@<host>:<port>}), with its state and rates.
 */
public class CircuitBreakerEndpointContributor implements ResilientRpcEndpointContributor {

	private final InstanceCircuitBreakers breakers;

	/**
	 * Create a new contributor.
	 * @param breakers the breakers
	 */
	public CircuitBreakerEndpointContributor(InstanceCircuitBreakers breakers) {
		this.breakers = breakers;
	}

	@Override
	public String getName() {
		return "circuitBreakers";
	}

	@Override
	public Map<String, Map<String, BreakerDescriptor>> describe() {
		Map<String, Map<String, BreakerDescriptor>> services = new TreeMap<>();
		this.breakers
			.forEach((instance, breaker) -> services.computeIfAbsent(instance.service(), (key) -> new TreeMap<>())
				.put(breaker.getName(), describe(breaker)));
		return services;
	}

	@Override
	public @Nullable Map<String, BreakerDescriptor> describe(String service) {
		return describe().get(service);
	}

	private static BreakerDescriptor describe(CircuitBreaker breaker) {
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		return new BreakerDescriptor(breaker.getState().name(), metrics.getFailureRate(), metrics.getSlowCallRate(),
				metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
				metrics.getNumberOfNotPermittedCalls());
	}

	/**
	 * One instance's breaker.
	 *
	 * @param state {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, …
	 * @param failureRate percentage of failed calls in the window, -1 until it has enough
	 * calls
	 * @param slowCallRate percentage of slow calls, -1 likewise
	 * @param bufferedCalls calls in the window
	 * @param failedCalls failed calls in the window
	 * @param notPermittedCalls calls refused while open
	 */
	public record BreakerDescriptor(String state, float failureRate, float slowCallRate, int bufferedCalls,
			int failedCalls, long notPermittedCalls) {

	}

}
