package dev.resilientrpc.retry;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.RpcClientProxyFactory;
import dev.resilientrpc.diagnostics.RpcConfigurationException;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.StringUtils;

/**
 * Resolves the {@link RpcMethodSettings} of client methods once per method and hands them
 * out per call without locking. The retry policy of a method is, most specific first: the
 * method's {@code @ResilientRpc(retry)}, the interface's, the service's configured
 * policy, the {@code default} policy. A policy name that is not defined is an error on
 * resolution, which happens at startup for the interfaces that are beans.
 */
public final class RpcMethodSettingsResolver {

	private final Map<String, RpcRetryPolicy> policies;

	private final Function<String, @Nullable String> servicePolicies;

	private final Predicate<String> idempotentServices;

	private final Function<String, @Nullable Class<?>> beanTypes;

	private final Function<String, Object> beans;

	private final Map<Class<?>, Map<Method, RpcMethodSettings>> byInterface = new ConcurrentHashMap<>();

	private final ClassValue<Map<Method, RpcMethodSettings>> byProxyClass = new ClassValue<>() {

		@Override
		protected Map<Method, RpcMethodSettings> computeValue(Class<?> proxyClass) {
			return resolve(proxyClass.getInterfaces()[0]);
		}

	};

	/**
	 * Create a new resolver.
	 * @param policies the retry policies by name; must hold
	 * {@link RpcRetryPolicy#DEFAULT}
	 * @param servicePolicies gives the policy name configured for a service, or
	 * {@code null}
	 * @param idempotentServices whether every method of a service is safe to repeat (its
	 * server deduplicates calls by {@code Idempotency-Key})
	 * @param beanTypes gives the type of a bean by name, for {@code bean::method}
	 * fallbacks
	 * @param beans gives a bean by name
	 */
	public RpcMethodSettingsResolver(Map<String, RpcRetryPolicy> policies,
			Function<String, @Nullable String> servicePolicies, Predicate<String> idempotentServices,
			Function<String, @Nullable Class<?>> beanTypes, Function<String, Object> beans) {
		if (!policies.containsKey(RpcRetryPolicy.DEFAULT)) {
			throw new IllegalArgumentException("policies must hold the '" + RpcRetryPolicy.DEFAULT + "' policy");
		}
		this.policies = Map.copyOf(policies);
		this.servicePolicies = servicePolicies;
		this.idempotentServices = idempotentServices;
		this.beanTypes = beanTypes;
		this.beans = beans;
	}

	/**
	 * Create a resolver with only the given policies, no service configuration and no
	 * beans.
	 * @param policies the retry policies by name; must hold
	 * {@link RpcRetryPolicy#DEFAULT}
	 * @return the resolver
	 */
	public static RpcMethodSettingsResolver of(Map<String, RpcRetryPolicy> policies) {
		return new RpcMethodSettingsResolver(policies, (service) -> null, (service) -> false, (bean) -> null,
				(bean) -> {
					throw new IllegalStateException("No beans");
				});
	}

	/**
	 * Return the retry policies by name.
	 * @return the policies
	 */
	public Map<String, RpcRetryPolicy> getPolicies() {
		return this.policies;
	}

	/**
	 * Return the settings of the method a call is made to.
	 * @param call the call
	 * @return the settings
	 */
	public RpcMethodSettings settingsFor(ClientCall call) {
		Method method = call.getMethod().method();
		Object proxy = call.getProxy();
		Map<Method, RpcMethodSettings> settings = (proxy != null) ? this.byProxyClass.get(proxy.getClass())
				: resolve(method.getDeclaringClass());
		RpcMethodSettings result = settings.get(method);
		return (result != null) ? result : resolve(method.getDeclaringClass(), method, call.getService());
	}

	/**
	 * Resolve the settings of every abstract method of a client interface.
	 * @param clientInterface the {@code @ResilientRpc} interface
	 * @return the settings by method
	 * @throws IllegalStateException if a method names a policy that does not exist, has a
	 * malformed timeout or a fallback that does not exist
	 */
	public Map<Method, RpcMethodSettings> resolve(Class<?> clientInterface) {
		Map<Method, RpcMethodSettings> resolved = this.byInterface.get(clientInterface);
		if (resolved == null) {
			String service = serviceOf(clientInterface);
			Map<Method, RpcMethodSettings> settings = new HashMap<>();
			for (Method method : clientInterface.getMethods()) {
				if (Modifier.isAbstract(method.getModifiers())) {
					settings.put(method, resolve(clientInterface, method, service));
				}
			}
			resolved = Map.copyOf(settings);
			this.byInterface.putIfAbsent(clientInterface, resolved);
		}
		return resolved;
	}

	private static String serviceOf(Class<?> clientInterface) {
		try {
			return RpcClientProxyFactory.serviceOf(clientInterface);
		}
		catch (IllegalArgumentException ex) {
			return "";
		}
	}

	private RpcMethodSettings resolve(Class<?> clientInterface, Method method, String service) {
		ResilientRpc onType = AnnotatedElementUtils.findMergedAnnotation(clientInterface, ResilientRpc.class);
		ResilientRpc onMethod = AnnotatedElementUtils.findMergedAnnotation(method, ResilientRpc.class);
		if (onType != null && StringUtils.hasText(onType.fallback())) {
			throw new RpcConfigurationException(
					"@ResilientRpc(fallback = \"" + onType.fallback() + "\") on " + clientInterface.getName()
							+ ": a fallback can only be set on a method",
					"Move the fallback of " + clientInterface.getSimpleName()
							+ " to the @ResilientRpc of each method that needs it");
		}
		String where = "@ResilientRpc on " + FallbackMethod.describe(clientInterface, method);
		String policyName = firstText(attribute(onMethod, ResilientRpc::retry), attribute(onType, ResilientRpc::retry));
		if (policyName == null) {
			policyName = this.servicePolicies.apply(service);
		}
		if (policyName == null) {
			policyName = RpcRetryPolicy.DEFAULT;
		}
		RpcRetryPolicy policy = this.policies.get(policyName);
		if (policy == null) {
			throw new RpcConfigurationException(
					where + " refers to retry policy '" + policyName
							+ "', which is not defined (define resilient-rpc.retry.policies." + policyName + ")",
					"Define the property 'resilient-rpc.retry.policies." + policyName
							+ "', or refer to one of the policies defined: " + this.policies.keySet());
		}
		boolean idempotent = (onMethod != null && onMethod.idempotent()) || (onType != null && onType.idempotent())
				|| this.idempotentServices.test(service);
		String timeoutText = firstText(attribute(onMethod, ResilientRpc::timeout),
				attribute(onType, ResilientRpc::timeout));
		Duration timeout = (timeoutText != null) ? parseTimeout(where, timeoutText) : policy.getTimeout();
		String fallbackSpec = attribute(onMethod, ResilientRpc::fallback);
		FallbackMethod fallback = StringUtils.hasText(fallbackSpec)
				? FallbackMethod.resolve(clientInterface, method, fallbackSpec, this.beanTypes, this.beans) : null;
		return new RpcMethodSettings(policy, idempotent, timeout, fallback);
	}

	private static @Nullable String attribute(@Nullable ResilientRpc annotation, Function<ResilientRpc, String> value) {
		return (annotation != null) ? value.apply(annotation) : null;
	}

	private static @Nullable String firstText(@Nullable String first, @Nullable String second) {
		if (StringUtils.hasText(first)) {
			return first;
		}
		return StringUtils.hasText(second) ? second : null;
	}

	private static Duration parseTimeout(String where, String text) {
		Duration timeout;
		try {
			timeout = DurationFormatterUtils.detectAndParse(text.trim());
		}
		catch (RuntimeException ex) {
			throw new RpcConfigurationException(
					where + " has timeout '" + text
							+ "', which is not a duration (expected: such as 500ms, 2s or PT2S)",
					"Set the timeout to a duration such as 500ms, 2s or PT2S", ex);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new RpcConfigurationException(where + " has timeout '" + text + "' (expected: > 0)",
					"Set the timeout to a duration greater than zero, or leave it out for the policy's");
		}
		return timeout;
	}

}
