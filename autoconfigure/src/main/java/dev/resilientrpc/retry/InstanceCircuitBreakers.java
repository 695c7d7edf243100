package dev.resilientrpc.retry;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * One Resilience4j {@link CircuitBreaker} per service instance, from a
 * {@link CircuitBreakerRegistry}. A breaker is named {@code <service>@<host>:<port>},
 * such as {@code kv@10.0.0.1:8081}; its configuration is, most specific first, the
 * registry's instance of that name
 * ({@code resilience4j.circuitbreaker.instances.[kv@10.0.0.1:8081]}), the configuration
 * named after the service ({@code resilience4j.circuitbreaker.configs.kv}), the
 * registry's default ({@code configs.default}).
 */
public final class InstanceCircuitBreakers {

	private final CircuitBreakerRegistry registry;

	private final ResilienceListener listener;

	private final Map<ServiceInstance, CircuitBreaker> breakers = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param registry the registry that makes and configures the breakers
	 * @param listener hears state transitions
	 */
	public InstanceCircuitBreakers(CircuitBreakerRegistry registry, ResilienceListener listener) {
		this.registry = registry;
		this.listener = listener;
	}

	/**
	 * Return the breaker name of an instance.
	 * @param instance the instance
	 * @return {@code <service>@<host>:<port>}
	 */
	public static String nameOf(ServiceInstance instance) {
		URI endpoint = instance.endpoint();
		int port = endpoint.getPort();
		if (port < 0) {
			port = "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
		}
		return instance.service() + "@" + endpoint.getHost() + ":" + port;
	}

	/**
	 * Return the breaker of an instance, making it on first use.
	 * @param instance the instance
	 * @return the breaker
	 */
	public CircuitBreaker forInstance(ServiceInstance instance) {
		CircuitBreaker breaker = this.breakers.get(instance);
		return (breaker != null) ? breaker : this.breakers.computeIfAbsent(instance, this::create);
	}

	/**
	 * Return the breaker of an instance if one was made.
	 * @param instance the instance
	 * @return the breaker or {@code null}
	 */
	public @Nullable CircuitBreaker find(ServiceInstance instance) {
		CircuitBreaker breaker = this.breakers.get(instance);
		return (breaker != null) ? breaker : this.registry.find(nameOf(instance)).orElse(null);
	}

	/**
	 * Visit the breakers made so far.
	 * @param action called with each instance and its breaker
	 */
	public void forEach(BiConsumer<ServiceInstance, CircuitBreaker> action) {
		this.breakers.forEach(action);
	}

	private CircuitBreaker create(ServiceInstance instance) {
		String name = nameOf(instance);
		String service = instance.service();
		CircuitBreaker breaker = this.registry.find(name)
			.orElseGet(() -> this.registry.getConfiguration(service).isPresent()
					? this.registry.circuitBreaker(name, service) : this.registry.circuitBreaker(name));
		breaker.getEventPublisher()
			.onStateTransition((event) -> this.listener.onCircuitBreakerTransition(service, name,
					event.getStateTransition().getFromState().name(), event.getStateTransition().getToState().name()));
		return breaker;
	}

}
