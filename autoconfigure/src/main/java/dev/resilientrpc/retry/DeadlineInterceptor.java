package dev.resilientrpc.retry;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcHeaders;

/**
 * Gives a call its total deadline, the outermost step of the pipeline so that time spent
 * waiting for the bulkhead counts: the method's timeout, or what is left of the deadline
 * of the call the current thread is serving ({@link DeadlineContext}), whichever ends
 * first. A call whose deadline has already passed fails at once with a
 * {@link DeadlineExceededException}; otherwise the deadline goes into the call's
 * {@link Deadline#ATTRIBUTE attribute} for the {@link RetryInterceptor}, and the time
 * left into the {@code Rpc-Timeout} header.
 */
public final class DeadlineInterceptor implements ClientInterceptor {

	private final RpcMethodSettingsResolver methods;

	private final Ticker ticker;

	/**
	 * Create a new interceptor.
	 * @param methods the settings of each method
	 * @param ticker times deadlines
	 */
	public DeadlineInterceptor(RpcMethodSettingsResolver methods, Ticker ticker) {
		this.methods = methods;
		this.ticker = ticker;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.DEADLINE;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		Duration timeout = this.methods.settingsFor(call).timeout();
		Deadline deadline = DeadlineContext.current();
		if (timeout != null) {
			Deadline own = Deadline.after(timeout, this.ticker);
			deadline = (deadline != null) ? deadline.earliest(own) : own;
		}
		if (deadline == null) {
			return chain.proceed(call);
		}
		long remaining = deadline.remainingMillis();
		if (remaining <= 0) {
			throw new DeadlineExceededException(call.getMethod().name(), timeout, 0, null);
		}
		call.setAttribute(Deadline.ATTRIBUTE, deadline);
		call.getHeaders().put(RpcHeaders.TIMEOUT, Long.toString(remaining));
		return chain.proceed(call);
	}

}
