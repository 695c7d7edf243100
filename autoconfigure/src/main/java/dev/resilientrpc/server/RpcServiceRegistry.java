package dev.resilientrpc.server;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.diagnostics.RpcConfigurationException;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * The table of exported methods, built once from the beans annotated with
 * {@link RpcService @RpcService}. Lookups are by JSON-RPC method name.
 */
public final class RpcServiceRegistry {

	private final Map<String, RpcMethodHandler> methods;

	private final Set<String> services;

	private RpcServiceRegistry(Map<String, RpcMethodHandler> methods, Set<String> services) {
		this.methods = methods;
		this.services = services;
	}

	/**
	 * Build a registry from the given beans, each annotated with {@link RpcService}.
	 * @param beans the beans by bean name
	 * @return the registry
	 * @throws IllegalStateException if a bean's exported interface cannot be determined,
	 * two beans export the same service, or an exported interface overloads a method name
	 */
	public static RpcServiceRegistry of(Map<String, Object> beans) {
		Map<String, RpcMethodHandler> methods = new LinkedHashMap<>();
		Map<String, String> beanByService = new LinkedHashMap<>();
		beans.forEach((beanName, bean) -> {
			Class<?> userClass = AopUtils.getTargetClass(bean);
			RpcService annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, RpcService.class);
			if (annotation == null) {
				throw new IllegalStateException("Bean '" + beanName + "' is not annotated with @RpcService");
			}
			String service = annotation.value();
			if (service.isBlank() || service.contains(".")) {
				throw new RpcConfigurationException(
						"@RpcService on " + userClass.getName() + " has name '" + service
								+ "' (expected: a non-blank name without '.')",
						"Give @RpcService on " + userClass.getSimpleName()
								+ " a name without '.': JSON-RPC methods are named <service>.<method>");
			}
			String previous = beanByService.putIfAbsent(service, beanName);
			if (previous != null) {
				throw new RpcConfigurationException(
						"Service '" + service + "' is exported by two beans: '" + previous + "' and '" + beanName + "'",
						"Export service '" + service + "' from one bean, or give one of them another @RpcService name");
			}
			Class<?> api = exportedInterface(userClass, annotation);
			for (Method method : api.getMethods()) {
				if (Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
					continue;
				}
				RpcMethodHandler handler = new RpcMethodHandler(service, bean, method);
				if (methods.putIfAbsent(handler.getName(), handler) != null) {
					throw new RpcConfigurationException(
							"Interface " + api.getName() + " exported as '" + service + "' overloads method '"
									+ method.getName()
									+ "': JSON-RPC names methods by name only, so give each overload its own name",
							"Rename the overloads of " + api.getSimpleName() + "." + method.getName()
									+ " so that each method of the interface has its own name");
				}
			}
		});
		return new RpcServiceRegistry(Collections.unmodifiableMap(methods),
				Collections.unmodifiableSet(new LinkedHashSet<>(beanByService.keySet())));
	}

	private static Class<?> exportedInterface(Class<?> userClass, RpcService annotation) {
		if (annotation.api() != void.class) {
			if (!annotation.api().isInterface() || !annotation.api().isAssignableFrom(userClass)) {
				throw new RpcConfigurationException(
						"@RpcService(api = " + annotation.api().getName() + ") on " + userClass.getName()
								+ " must name an interface that the class implements",
						"Set @RpcService(api = ...) on " + userClass.getSimpleName()
								+ " to one of the interfaces it implements");
			}
			return annotation.api();
		}
		Set<Class<?>> candidates = new LinkedHashSet<>();
		for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(userClass)) {
			String name = candidate.getName();
			if (!name.startsWith("java.") && !name.startsWith("javax.") && !name.startsWith("jakarta.")
					&& !name.startsWith("org.springframework.")) {
				candidates.add(candidate);
			}
		}
		if (candidates.size() != 1) {
			throw new RpcConfigurationException(
					"@RpcService on " + userClass.getName() + " implements "
							+ ((candidates.isEmpty()) ? "no application interface"
									: "several application interfaces " + List.copyOf(candidates))
							+ ": name the exported interface with @RpcService(api = ...)",
					candidates.isEmpty() ? "Make " + userClass.getSimpleName() + " implement the interface to export"
							: "Name the exported interface with @RpcService(api = ...) on "
									+ userClass.getSimpleName());
		}
		return candidates.iterator().next();
	}

	/**
	 * Find an exported method.
	 * @param name the JSON-RPC method name, {@code <service>.<method>}
	 * @return the method or {@code null}
	 */
	public @Nullable RpcMethodHandler find(String name) {
		return this.methods.get(name);
	}

	/**
	 * Return every exported method, by JSON-RPC name.
	 * @return the methods
	 */
	public Map<String, RpcMethodHandler> getMethods() {
		return this.methods;
	}

	/**
	 * Return the names of the exported services.
	 * @return the service names
	 */
	public Set<String> getServices() {
		return this.services;
	}

}
