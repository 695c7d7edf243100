package dev.resilientrpc.autoconfigure.retry;

import java.util.Map;
import java.util.TreeMap;

import io.github.resilience4j.bulkhead.Bulkhead;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointContributor;
import dev.resilientrpc.retry.BulkheadInterceptor;

/**
 * The {@code bulkheads} part of the {@code resilientrpc} endpoint: per service called so
 * far, the concurrent calls its bulkhead still allows and the most it allows.
 */
public class BulkheadEndpointContributor implements ResilientRpcEndpointContributor {

	private final BulkheadInterceptor bulkheads;

	/**
	 * Create a new contributor.
	 * @param bulkheads the interceptor that holds a bulkhead per service
	 */
	public BulkheadEndpointContributor(BulkheadInterceptor bulkheads) {
		this.bulkheads = bulkheads;
	}

	@Override
	public String getName() {
		return "bulkheads";
	}

	@Override
	public Map<String, BulkheadDescriptor> describe() {
		Map<String, BulkheadDescriptor> services = new TreeMap<>();
		this.bulkheads.forEach((service, bulkhead) -> services.put(service, describe(bulkhead)));
		return services;
	}

	@Override
	public @Nullable BulkheadDescriptor describe(String service) {
		return describe().get(service);
	}

	private static BulkheadDescriptor describe(Bulkhead bulkhead) {
		Bulkhead.Metrics metrics = bulkhead.getMetrics();
		return new BulkheadDescriptor(metrics.getAvailableConcurrentCalls(), metrics.getMaxAllowedConcurrentCalls());
	}

	/**
	 * One service's bulkhead.
	 *
	 * @param availableConcurrentCalls calls it would let in now
	 * @param maxAllowedConcurrentCalls the most calls it lets in at once
	 */
	public record BulkheadDescriptor(int availableConcurrentCalls, int maxAllowedConcurrentCalls) {

	}

}
