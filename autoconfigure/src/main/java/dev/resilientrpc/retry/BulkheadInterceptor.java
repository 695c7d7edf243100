package dev.resilientrpc.retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.protocol.InterceptorOrder;

/**
 * Limits the concurrent calls to each service with a Resilience4j semaphore
 * {@link Bulkhead} named after the service, around all attempts of a call. Its
 * configuration is, most specific first,
 * {@code resilience4j.bulkhead.instances.<service>}, {@code configs.<service>},
 * {@code configs.default}. A full bulkhead throws Resilience4j's
 * {@code BulkheadFullException}.
 */
public final class BulkheadInterceptor implements ClientInterceptor {

	private final BulkheadRegistry registry;

	private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();

	/**
	 * Create a new interceptor.
	 * @param registry the registry that makes and configures the bulkheads
	 */
	public BulkheadInterceptor(BulkheadRegistry registry) {
		this.registry = registry;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.BULKHEAD;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		Bulkhead bulkhead = forService(call.getService());
		bulkhead.acquirePermission();
		try {
			return chain.proceed(call);
		}
		finally {
			bulkhead.onComplete();
		}
	}

	/**
	 * Return the bulkhead of a service, making it on first use.
	 * @param service the service
	 * @return the bulkhead
	 */
	public Bulkhead forService(String service) {
		Bulkhead bulkhead = this.bulkheads.get(service);
		return (bulkhead != null) ? bulkhead
				: this.bulkheads.computeIfAbsent(service,
						(name) -> this.registry.find(name)
							.orElseGet(() -> this.registry.getConfiguration(name).isPresent()
									? this.registry.bulkhead(name, name) : this.registry.bulkhead(name)));
	}

	/**
	 * Visit the bulkheads made so far.
	 * @param action called with each service and its bulkhead
	 */
	public void forEach(BiConsumer<String, Bulkhead> action) {
		this.bulkheads.forEach(action);
	}

}
