package dev.resilientrpc.retry;

import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.cluster.ServiceInstance;

/**
 * The circuit breaker of the instance an attempt was sent to is open, so the attempt was
 * not sent. Always retryable: a retry picks an instance whose breaker lets calls through.
 * The cause is Resilience4j's {@code CallNotPermittedException}.
 */
public class CircuitOpenException extends RpcException {

	private final ServiceInstance instance;

	/**
	 * Create a new instance.
	 * @param instance the instance whose breaker is open
	 * @param cause the breaker's refusal
	 */
	public CircuitOpenException(ServiceInstance instance, Throwable cause) {
		super("Circuit breaker of " + instance + " is open: " + cause.getMessage(), cause, true);
		this.instance = instance;
	}

	/**
	 * Return the instance whose breaker is open.
	 * @return the instance
	 */
	public ServiceInstance getInstance() {
		return this.instance;
	}

}
