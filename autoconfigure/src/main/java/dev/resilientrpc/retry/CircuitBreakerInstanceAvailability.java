package dev.resilientrpc.retry;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.cluster.ServiceInstance;

/**
 * Reports an instance unavailable while its circuit breaker is open, so that the instance
 * selector sends attempts elsewhere. An open breaker whose wait has passed is moved to
 * half-open by the check (Resilience4j does that when it is asked for a permission), so
 * that the instance gets its trial calls and can recover.
 */
public final class CircuitBreakerInstanceAvailability implements InstanceAvailability {

	private final InstanceCircuitBreakers breakers;

	/**
	 * Create a new instance.
	 * @param breakers the breakers of the instances
	 */
	public CircuitBreakerInstanceAvailability(InstanceCircuitBreakers breakers) {
		this.breakers = breakers;
	}

	@Override
	public boolean isAvailable(ServiceInstance instance) {
		CircuitBreaker breaker = this.breakers.find(instance);
		if (breaker == null) {
			return true;
		}
		return switch (breaker.getState()) {
			case FORCED_OPEN -> false;
			case OPEN -> {
				if (breaker.tryAcquirePermission()) {
					breaker.releasePermission();
					yield true;
				}
				yield false;
			}
			default -> true;
		};
	}

}
