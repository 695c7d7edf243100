package dev.resilientrpc.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * A method exported at the JSON-RPC endpoint: the bean it runs on and what its parameters
 * are called and typed as.
 */
public final class RpcMethodHandler {

	private final String service;

	private final String name;

	private final Object bean;

	private final Method method;

	private final String[] parameterNames;

	private final Type[] parameterTypes;

	RpcMethodHandler(String service, Object bean, Method method) {
		this.service = service;
		this.name = service + "." + method.getName();
		this.bean = bean;
		this.method = method;
		Parameter[] parameters = method.getParameters();
		this.parameterNames = new String[parameters.length];
		this.parameterTypes = new Type[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			if (!parameters[i].isNamePresent()) {
				throw new IllegalStateException("Parameter names of " + method + " are not available: compile "
						+ method.getDeclaringClass().getName() + " with '-parameters' so that named params work");
			}
			this.parameterNames[i] = parameters[i].getName();
			this.parameterTypes[i] = parameters[i].getParameterizedType();
		}
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Return the name of the service.
	 * @return the service name
	 */
	public String getService() {
		return this.service;
	}

	/**
	 * Return the JSON-RPC method name, {@code <service>.<method>}.
	 * @return the full method name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return the exported interface method.
	 * @return the method
	 */
	public Method getMethod() {
		return this.method;
	}

	/**
	 * Return the declared parameter names.
	 * @return the parameter names
	 */
	public String[] getParameterNames() {
		return this.parameterNames.clone();
	}

	String parameterName(int index) {
		return this.parameterNames[index];
	}

	Type parameterType(int index) {
		return this.parameterTypes[index];
	}

	int parameterCount() {
		return this.parameterNames.length;
	}

	@Nullable Object invoke(@Nullable Object[] arguments) throws Exception {
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof Exception exception) {
				throw exception;
			}
			if (target instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

}
