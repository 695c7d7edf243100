package dev.resilientrpc.client;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

import dev.resilientrpc.cluster.RoutingKeyExpression;

/**
 * What the client knows about one method of a {@code @ResilientRpc} interface, resolved
 * once when the proxy is created.
 *
 * @param service the service name
 * @param name the JSON-RPC method name, {@code <service>.<method>}
 * @param method the interface method
 * @param returnType the declared (generic) return type
 * @param returnsVoid whether the method returns nothing
 * @param routingKeyIndex index of the {@code @RoutingKey} parameter, or -1 if there is
 * none
 * @param routingKeyExpression the {@code @ResilientRpc(key = ...)} expression, or
 * {@code null}
 */
public record RpcMethodMetadata(String service, String name, Method method, JavaType returnType, boolean returnsVoid,
		int routingKeyIndex, @Nullable RoutingKeyExpression routingKeyExpression) {

	/**
	 * Create metadata of a method without a key expression.
	 * @param service the service name
	 * @param name the JSON-RPC method name
	 * @param method the interface method
	 * @param returnType the declared (generic) return type
	 * @param returnsVoid whether the method returns nothing
	 * @param routingKeyIndex index of the {@code @RoutingKey} parameter, or -1 if there
	 * is none
	 */
	public RpcMethodMetadata(String service, String name, Method method, JavaType returnType, boolean returnsVoid,
			int routingKeyIndex) {
		this(service, name, method, returnType, returnsVoid, routingKeyIndex, null);
	}

	/**
	 * Return the routing key of a call of this method.
	 * @param arguments the call's arguments
	 * @return the string form of the {@code @RoutingKey} argument or of the key
	 * expression's value, or {@code null} if there is neither or it is null
	 */
	public @Nullable String routingKeyOf(@Nullable Object[] arguments) {
		if (this.routingKeyExpression != null) {
			return this.routingKeyExpression.evaluate(arguments);
		}
		Object key = (this.routingKeyIndex >= 0) ? arguments[this.routingKeyIndex] : null;
		return (key != null) ? key.toString() : null;
	}

}
