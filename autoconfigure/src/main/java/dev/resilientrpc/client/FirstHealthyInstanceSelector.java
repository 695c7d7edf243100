package dev.resilientrpc.client;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.protocol.InterceptorOrder;

/**
 * Sends each attempt to the first healthy instance of the service, in configured order.
 * An instance that refused a connection is passed over until its cool-down ends; when no
 * instance is healthy the first one is tried anyway.
 */
public class FirstHealthyInstanceSelector implements InstanceSelector {

	private static final Log logger = LogFactory.getLog(FirstHealthyInstanceSelector.class);

	private final ServiceInstanceSupplier instances;

	private final Duration coolDown;

	private final Clock clock;

	private final Map<ServiceInstance, Long> unhealthyUntil = new ConcurrentHashMap<>();

	/**
	 * Create a new selector.
	 * @param instances the instances of each service
	 * @param coolDown how long an instance that refused a connection is passed over
	 * @param clock the clock that times the cool-down
	 */
	public FirstHealthyInstanceSelector(ServiceInstanceSupplier instances, Duration coolDown, Clock clock) {
		this.instances = instances;
		this.coolDown = coolDown;
		this.clock = clock;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.INSTANCE_SELECTION;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		ServiceInstance target = select(call.getService());
		call.setTarget(target);
		try {
			Object result = chain.proceed(call);
			this.unhealthyUntil.remove(target);
			return result;
		}
		catch (RpcConnectException ex) {
			this.unhealthyUntil.put(target, this.clock.millis() + this.coolDown.toMillis());
			throw ex;
		}
	}

	ServiceInstance select(String service) {
		List<ServiceInstance> candidates = this.instances.getInstances(service);
		if (candidates.isEmpty()) {
			logger.warn("No servers available for service: " + service);
			throw new NoAvailableInstanceException(service);
		}
		long now = this.clock.millis();
		for (ServiceInstance candidate : candidates) {
			Long until = this.unhealthyUntil.get(candidate);
			if (until == null || until <= now) {
				return candidate;
			}
		}
		return candidates.get(0);
	}

}
