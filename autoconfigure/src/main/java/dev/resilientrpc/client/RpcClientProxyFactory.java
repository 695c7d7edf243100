package dev.resilientrpc.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.cluster.RoutingKeyExpression;
import dev.resilientrpc.cluster.RoutingKeys;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;

/**
 * Creates proxies for {@link ResilientRpc @ResilientRpc} interfaces. Each abstract method
 * call becomes a {@link ClientCall} run by the {@link RpcClient}; default methods run
 * locally, and {@code equals}, {@code hashCode} and {@code toString} are answered by the
 * proxy itself.
 */
public class RpcClientProxyFactory {

	private static final Object[] NO_ARGUMENTS = new Object[0];

	private final RpcClient client;

	private final ObjectMapper mapper;

	/**
	 * Create a new factory.
	 * @param client the client that runs calls
	 * @param mapper the mapper whose type factory resolves return types
	 */
	public RpcClientProxyFactory(RpcClient client, ObjectMapper mapper) {
		this.client = client;
		this.mapper = mapper;
	}

	/**
	 * Return the service name an interface calls.
	 * @param type the interface
	 * @return the service name
	 * @throws IllegalArgumentException if the type is not a {@code @ResilientRpc}
	 * interface
	 */
	public static String serviceOf(Class<?> type) {
		if (!type.isInterface()) {
			throw new IllegalArgumentException(
					"@ResilientRpc can only be placed on an interface, but " + type.getName() + " is a class");
		}
		ResilientRpc annotation = AnnotatedElementUtils.findMergedAnnotation(type, ResilientRpc.class);
		if (annotation == null || !StringUtils.hasText(annotation.service())) {
			throw new IllegalArgumentException("Interface " + type.getName()
					+ " must be annotated with @ResilientRpc(service = \"...\") to be an RPC client");
		}
		if (annotation.service().contains(".")) {
			throw new IllegalArgumentException("@ResilientRpc on " + type.getName() + " has service '"
					+ annotation.service() + "' (expected: a name without '.')");
		}
		return annotation.service();
	}

	/**
	 * Create a proxy.
	 * @param <T> the interface type
	 * @param type the interface
	 * @return the proxy
	 */
	public <T> T create(Class<T> type) {
		String service = serviceOf(type);
		Map<Method, RpcMethodMetadata> methods = new HashMap<>();
		for (Method method : type.getMethods()) {
			if (Modifier.isAbstract(method.getModifiers())) {
				methods.put(method, new RpcMethodMetadata(service, service + "." + method.getName(), method,
						this.mapper.constructType(method.getGenericReturnType()), method.getReturnType() == void.class,
						RoutingKeys.index(method), RoutingKeyExpression.of(method)));
			}
		}
		InvocationHandler handler = new ClientInvocationHandler(type, service, methods, this.client);
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
	}

	private static final class ClientInvocationHandler implements InvocationHandler {

		private final Class<?> type;

		private final String service;

		private final Map<Method, RpcMethodMetadata> methods;

		private final RpcClient client;

		ClientInvocationHandler(Class<?> type, String service, Map<Method, RpcMethodMetadata> methods,
				RpcClient client) {
			this.type = type;
			this.service = service;
			this.methods = methods;
			this.client = client;
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args)
				throws Throwable {
			RpcMethodMetadata metadata = this.methods.get(method);
			if (metadata != null) {
				ClientCall call = new ClientCall(metadata, (args != null) ? args : NO_ARGUMENTS,
						IdempotencyKeys.next());
				call.setProxy(proxy);
				return this.client.execute(call);
			}
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == ((args != null) ? args[0] : null);
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "RPC client " + this.type.getName() + " of service '" + this.service + "'";
				default -> throw new UnsupportedOperationException(method.toString());
			};
		}

	}

}
