package dev.resilientrpc.ordering;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.resilientrpc.annotation.OnStale;
import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.server.RpcMethodHandler;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Resolves the {@link StalePolicy} of each exported method, once per method. The most
 * specific setting wins: the method's (a configured override, else
 * {@link OnStale @OnStale} on the interface method), then the service's (a configured
 * override, else {@code @OnStale} on the exported interface), then the default.
 */
public final class StalePolicies {

	private final StalePolicy defaultPolicy;

	private final Map<String, StalePolicy> overrides;

	private final Map<RpcMethodHandler, StalePolicy> resolved = new ConcurrentHashMap<>();

	/**
	 * Create the policies.
	 * @param defaultPolicy the policy of methods without a setting
	 * @param overrides configured policies by service name ({@code kv}) or JSON-RPC
	 * method name ({@code kv.put})
	 */
	public StalePolicies(StalePolicy defaultPolicy, Map<String, StalePolicy> overrides) {
		this.defaultPolicy = defaultPolicy;
		this.overrides = Map.copyOf(overrides);
	}

	/**
	 * Return the policy of a method.
	 * @param handler the exported method
	 * @return the policy
	 */
	public StalePolicy policyOf(RpcMethodHandler handler) {
		StalePolicy policy = this.resolved.get(handler);
		return (policy != null) ? policy : this.resolved.computeIfAbsent(handler, this::resolve);
	}

	private StalePolicy resolve(RpcMethodHandler handler) {
		StalePolicy configured = this.overrides.get(handler.getName());
		if (configured != null) {
			return configured;
		}
		Method method = handler.getMethod();
		OnStale annotated = AnnotatedElementUtils.findMergedAnnotation(method, OnStale.class);
		if (annotated != null) {
			return annotated.value();
		}
		configured = this.overrides.get(handler.getService());
		if (configured != null) {
			return configured;
		}
		annotated = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), OnStale.class);
		return (annotated != null) ? annotated.value() : this.defaultPolicy;
	}

}
