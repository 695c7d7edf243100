package dev.resilientrpc.retry;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.diagnostics.RpcConfigurationException;

import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The fallback of one client method, resolved once: a default method of the client
 * interface, or a method of a bean, taking the original arguments followed by the
 * exception. When several overloads differ in the exception type, the one with the most
 * specific type that matches the failure is called, as Resilience4j does.
 */
public final class FallbackMethod {

	private final String description;

	private final List<Method> candidates;

	private final @Nullable Supplier<Object> bean;

	private FallbackMethod(String description, List<Method> candidates, @Nullable Supplier<Object> bean) {
		this.description = description;
		this.candidates = candidates;
		this.bean = bean;
	}

	/**
	 * Resolve the fallback of a method.
	 * @param clientInterface the client interface
	 * @param method the method that falls back
	 * @param spec {@code "methodName"} for a default method of the interface, or
	 * {@code "beanName::methodName"} for a method of a bean
	 * @param beanTypes gives the type of a bean by name, or {@code null} if there is none
	 * @param beans gives a bean by name; called on the first fallback, not before
	 * @return the fallback
	 * @throws IllegalStateException if no method of the expected shape exists
	 */
	public static FallbackMethod resolve(Class<?> clientInterface, Method method, String spec,
			Function<String, @Nullable Class<?>> beanTypes, Function<String, Object> beans) {
		String where = "@ResilientRpc(fallback = \"" + spec + "\") on " + describe(clientInterface, method);
		int separator = spec.indexOf("::");
		Class<?> owner;
		String name;
		Supplier<Object> bean = null;
		if (separator >= 0) {
			String beanName = spec.substring(0, separator);
			name = spec.substring(separator + 2);
			Class<?> beanType = beanTypes.apply(beanName);
			if (beanType == null) {
				throw new RpcConfigurationException(where + ": no bean named '" + beanName + "'",
						"Define a bean named '" + beanName + "', or fix the bean name in the fallback '" + spec + "'");
			}
			owner = ClassUtils.getUserClass(beanType);
			bean = memoize(() -> beans.apply(beanName));
		}
		else {
			owner = clientInterface;
			name = spec;
		}
		List<Method> candidates = new ArrayList<>();
		Class<?>[] parameters = method.getParameterTypes();
		for (Method candidate : (bean != null) ? ReflectionUtils.getUniqueDeclaredMethods(owner) : owner.getMethods()) {
			if (!candidate.getName().equals(name) || Modifier.isStatic(candidate.getModifiers())
					|| (bean == null && !candidate.isDefault())) {
				continue;
			}
			Class<?>[] types = candidate.getParameterTypes();
			if (types.length == parameters.length + 1 && Throwable.class.isAssignableFrom(types[parameters.length])
					&& Arrays.equals(parameters, Arrays.copyOf(types, parameters.length))
					&& returns(candidate, method)) {
				ReflectionUtils.makeAccessible(candidate);
				candidates.add(candidate);
			}
		}
		if (candidates.isEmpty()) {
			String returnType = method.getReturnType().getSimpleName();
			String params = String.join(", ", Arrays.stream(parameters).map(Class::getSimpleName).toList());
			String signature = returnType + " " + name + "(" + params + (params.isEmpty() ? "" : ", ") + "Throwable)";
			throw new RpcConfigurationException(
					where + ": expected a " + ((bean != null) ? "method" : "default method") + " '" + signature
							+ "' (or a subtype of Throwable) on " + owner.getName(),
					"Add " + ((bean != null) ? "a method" : "a default method") + " '" + signature + "' to "
							+ owner.getSimpleName() + ", or name an existing one in the fallback");
		}
		// most specific exception type first, so that the first match is the best one
		candidates.sort(Comparator.comparing((Method candidate) -> depth(exceptionType(candidate))).reversed());
		return new FallbackMethod(where, List.copyOf(candidates), bean);
	}

	private static boolean returns(Method candidate, Method method) {
		if (method.getReturnType() == void.class) {
			return candidate.getReturnType() == void.class;
		}
		return ClassUtils.isAssignable(method.getReturnType(), candidate.getReturnType());
	}

	private static Class<?> exceptionType(Method candidate) {
		return candidate.getParameterTypes()[candidate.getParameterCount() - 1];
	}

	private static int depth(Class<?> type) {
		int depth = 0;
		for (Class<?> current = type; current != null; current = current.getSuperclass()) {
			depth++;
		}
		return depth;
	}

	private static Supplier<Object> memoize(Supplier<Object> supplier) {
		return new Supplier<>() {

			private volatile @Nullable Object value;

			@Override
			public Object get() {
				Object result = this.value;
				if (result == null) {
					result = supplier.get();
					this.value = result;
				}
				return result;
			}

		};
	}

	static String describe(Class<?> owner, Method method) {
		return owner.getSimpleName() + "." + method.getName() + "("
				+ String.join(", ", Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
	}

	/**
	 * Call the fallback, or throw the failure again if no overload takes it.
	 * @param proxy the client proxy the call was made on (needed for a default method)
	 * @param arguments the call's arguments
	 * @param failure the failure
	 * @return what the fallback returns
	 * @throws Throwable what the fallback throws, or the failure
	 */
	public @Nullable Object invoke(@Nullable Object proxy, @Nullable Object[] arguments, Throwable failure)
			throws Throwable {
		for (Method candidate : this.candidates) {
			if (exceptionType(candidate).isInstance(failure)) {
				Object[] withFailure = Arrays.copyOf(arguments, arguments.length + 1);
				withFailure[arguments.length] = failure;
				if (this.bean == null) {
					if (proxy == null || !Proxy.isProxyClass(proxy.getClass())) {
						throw new IllegalStateException(this.description + " needs the client proxy, but the call "
								+ "was not made through one", failure);
					}
					return InvocationHandler.invokeDefault(proxy, candidate, withFailure);
				}
				try {
					return candidate.invoke(this.bean.get(), withFailure);
				}
				catch (InvocationTargetException ex) {
					throw ex.getTargetException();
				}
			}
		}
		throw failure;
	}

	@Override
	public String toString() {
		return this.description;
	}

}
