package dev.resilientrpc.retry;

import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcProtocolException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTransportException;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcErrorCodes;

/**
 * Runs each attempt through the circuit breaker of the instance it goes to, inside the
 * instance selection so that one failed attempt counts once, on one breaker. An open
 * breaker refuses the attempt with a {@link CircuitOpenException}, which is retried
 * elsewhere and counts on no breaker and no budget.
 *
 * <p>
 * What the breaker records: a failure for transport failures (connection, timeout, HTTP
 * 5xx without an answer), protocol errors and "overloaded" ({@code -32002}), subject to
 * the breaker's own {@code record-exceptions}/{@code ignore-exceptions}; a success for a
 * result and for every other JSON-RPC error, since the instance answered; nothing for
 * failures on the client's side.
 */
public final class CircuitBreakerInterceptor implements ClientInterceptor {

	private final InstanceCircuitBreakers breakers;

	/**
	 * Create a new interceptor.
	 * @param breakers the breakers of the instances
	 */
	public CircuitBreakerInterceptor(InstanceCircuitBreakers breakers) {
		this.breakers = breakers;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.CIRCUIT_BREAKER;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		ServiceInstance target = call.getTarget();
		if (target == null) {
			return chain.proceed(call);
		}
		CircuitBreaker breaker = this.breakers.forInstance(target);
		try {
			breaker.acquirePermission();
		}
		catch (CallNotPermittedException ex) {
			throw new CircuitOpenException(target, ex);
		}
		long start = breaker.getCurrentTimestamp();
		try {
			Object result = chain.proceed(call);
			breaker.onResult(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), result);
			return result;
		}
		catch (RuntimeException ex) {
			record(breaker, breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), ex);
			throw ex;
		}
		catch (Error ex) {
			breaker.releasePermission();
			throw ex;
		}
	}

	private static void record(CircuitBreaker breaker, long duration, TimeUnit unit, RuntimeException ex) {
		if (ex instanceof RpcRemoteException remote && remote.getCode() != RpcErrorCodes.OVERLOADED) {
			breaker.onSuccess(duration, unit);
		}
		else if (ex instanceof RpcTransportException || ex instanceof RpcProtocolException
				|| ex instanceof RpcRemoteException) {
			breaker.onError(duration, unit, ex);
		}
		else {
			breaker.releasePermission();
		}
	}

}
