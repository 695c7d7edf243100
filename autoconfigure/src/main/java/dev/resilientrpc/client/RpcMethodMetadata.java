package dev.resilientrpc.client;

import java.lang.reflect.Method;

import tools.jackson.databind.JavaType;

/**
 * What the client knows about one method of a {@code @ResilientRpc} interface, resolved once
 * when the proxy is created.
 *
 * @param service the service name
 * @param name the JSON-RPC method name, {@code <service>.<method>}
 * @param method the interface method
 * @param returnType the declared (generic) return type
 * @param returnsVoid whether the method returns nothing
 * @param routingKeyIndex index of the {@code @RoutingKey} parameter, or -1 if there is none
 */
public record RpcMethodMetadata(String service, String name, Method method, JavaType returnType, boolean returnsVoid,
		int routingKeyIndex) {
}
