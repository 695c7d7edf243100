package dev.resilientrpc.client;

import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * One logical call made through a client proxy. Its idempotency key stays the same on
 * every attempt; the attempt number, the target and the extra headers change per attempt.
 */
public final class ClientCall {

	private final RpcMethodMetadata method;

	private final @Nullable Object[] arguments;

	private final String idempotencyKey;

	private final Map<String, String> headers = new LinkedHashMap<>();

	private int attempt = 1;

	private @Nullable ServiceInstance target;

	private @Nullable Map<String, Object> attributes;

	private @Nullable String routingKey;

	private boolean routingKeyResolved;

	private @Nullable Object proxy;

	/**
	 * Create a new call.
	 * @param method the method called
	 * @param arguments the arguments
	 * @param idempotencyKey the idempotency key of the logical call
	 */
	public ClientCall(RpcMethodMetadata method, @Nullable Object[] arguments, String idempotencyKey) {
		this.method = method;
		this.arguments = arguments;
		this.idempotencyKey = idempotencyKey;
	}

	/**
	 * Return the method called.
	 * @return the method metadata
	 */
	public RpcMethodMetadata getMethod() {
		return this.method;
	}

	/**
	 * Return the service called.
	 * @return the service name
	 */
	public String getService() {
		return this.method.service();
	}

	/**
	 * Return the call's arguments.
	 * @return the arguments
	 */
	public @Nullable Object[] getArguments() {
		return this.arguments;
	}

	/**
	 * Return the routing key: the string form of the {@code @RoutingKey} argument or of
	 * the value of the method's {@code @ResilientRpc(key = ...)} expression, worked out
	 * once per call.
	 * @return the routing key or {@code null} if the method has none or the value is null
	 */
	public @Nullable String getRoutingKey() {
		if (!this.routingKeyResolved) {
			this.routingKey = this.method.routingKeyOf(this.arguments);
			this.routingKeyResolved = true;
		}
		return this.routingKey;
	}

	/**
	 * Return the idempotency key, the same on every attempt.
	 * @return the key
	 */
	public String getIdempotencyKey() {
		return this.idempotencyKey;
	}

	/**
	 * Return the number of the current attempt, 1 for the first.
	 * @return the attempt number
	 */
	public int getAttempt() {
		return this.attempt;
	}

	/**
	 * Set the number of the current attempt.
	 * @param attempt the attempt number, 1 for the first
	 */
	public void setAttempt(int attempt) {
		this.attempt = attempt;
	}

	/**
	 * Return the instance the current attempt goes to.
	 * @return the target or {@code null} before one is chosen
	 */
	public @Nullable ServiceInstance getTarget() {
		return this.target;
	}

	/**
	 * Set the instance the current attempt goes to.
	 * @param target the target
	 */
	public void setTarget(@Nullable ServiceInstance target) {
		this.target = target;
	}

	/**
	 * Return the extra HTTP headers sent with every attempt; interceptors may add to
	 * them.
	 * @return the headers, mutable
	 */
	public Map<String, String> getHeaders() {
		return this.headers;
	}

	/**
	 * Return an attribute set by an interceptor.
	 * @param name the name
	 * @return the value or {@code null}
	 */
	public @Nullable Object getAttribute(String name) {
		return (this.attributes != null) ? this.attributes.get(name) : null;
	}

	/**
	 * Set an attribute for other interceptors.
	 * @param name the name
	 * @param value the value
	 */
	public void setAttribute(String name, Object value) {
		if (this.attributes == null) {
			this.attributes = new HashMap<>();
		}
		this.attributes.put(name, value);
	}

	/**
	 * Return the client proxy the call was made on, so that a fallback can call a default
	 * method of its interface.
	 * @return the proxy or {@code null} if the call was not made through a proxy
	 */
	public @Nullable Object getProxy() {
		return this.proxy;
	}

	/**
	 * Set the client proxy the call was made on.
	 * @param proxy the proxy
	 */
	public void setProxy(@Nullable Object proxy) {
		this.proxy = proxy;
	}

	@Override
	public String toString() {
		return this.method.name() + " [key=" + this.idempotencyKey + ", attempt=" + this.attempt + "]";
	}

}
