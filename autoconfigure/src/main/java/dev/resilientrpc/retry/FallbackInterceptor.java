package dev.resilientrpc.retry;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.protocol.InterceptorOrder;

/**
 * Calls a method's {@link FallbackMethod fallback} when its call fails, whatever failed:
 * the deadline, the bulkhead, every attempt, or the budget. Outermost in the chain, so
 * the fallback sees the final outcome. Methods without a fallback pass straight through.
 */
public final class FallbackInterceptor implements ClientInterceptor {

	private final RpcMethodSettingsResolver methods;

	/**
	 * Create a new interceptor.
	 * @param methods the settings of each method
	 */
	public FallbackInterceptor(RpcMethodSettingsResolver methods) {
		this.methods = methods;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.FALLBACK;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		FallbackMethod fallback = this.methods.settingsFor(call).fallback();
		if (fallback == null) {
			return chain.proceed(call);
		}
		try {
			return chain.proceed(call);
		}
		catch (RuntimeException ex) {
			try {
				return fallback.invoke(call.getProxy(), call.getArguments(), ex);
			}
			catch (Throwable thrown) {
				throw FallbackInterceptor.<RuntimeException>sneakyThrow(thrown);
			}
		}
	}

	// a fallback may declare what the interface method declares; the proxy passes it on
	// as is
	@SuppressWarnings("unchecked")
	private static <T extends Throwable> T sneakyThrow(Throwable ex) throws T {
		throw (T) ex;
	}

}
