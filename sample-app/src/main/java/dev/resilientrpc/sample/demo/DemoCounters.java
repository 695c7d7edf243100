package dev.resilientrpc.sample.demo;

import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcErrorCodes;

/**
 * Counts what the demo's client sees per attempt: it sits right after instance selection,
 * so it sees the instance each attempt went to, and whether the attempt was a retry or a
 * failover.
 */
public final class DemoCounters implements ClientInterceptor {

	private static final String FIRST_TARGET = DemoCounters.class.getName() + ".firstTarget";

	final LongAdder attempts = new LongAdder();

	final LongAdder retries = new LongAdder();

	final LongAdder failovers = new LongAdder();

	final LongAdder stale = new LongAdder();

	final LongAdder shed = new LongAdder();

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.INSTANCE_SELECTION + 50;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		this.attempts.increment();
		ServiceInstance target = call.getTarget();
		if (call.getAttempt() > 1) {
			this.retries.increment();
			Object first = call.getAttribute(FIRST_TARGET);
			if (first != null && target != null && !first.equals(target)) {
				this.failovers.increment();
			}
		}
		else if (target != null) {
			call.setAttribute(FIRST_TARGET, target);
		}
		try {
			return chain.proceed(call);
		}
		catch (RpcRemoteException ex) {
			if (ex.getCode() == RpcErrorCodes.STALE) {
				this.stale.increment();
			}
			else if (ex.getCode() == RpcErrorCodes.OVERLOADED) {
				this.shed.increment();
			}
			throw ex;
		}
	}

}
