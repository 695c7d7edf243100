package dev.resilientrpc.server;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One JSON-RPC call on the server: the exported method, its bound arguments and the HTTP
 * headers of the request that carried it.
 */
public final class ServerCall {

	private final RpcMethodHandler method;

	private final @Nullable Object[] arguments;

	private final Function<String, @Nullable String> headers;

	private final boolean notification;

	private @Nullable Map<String, Object> attributes;

	private boolean invoked;

	ServerCall(RpcMethodHandler method, @Nullable Object[] arguments, Function<String, @Nullable String> headers,
			boolean notification) {
		this.method = method;
		this.arguments = arguments;
		this.headers = headers;
		this.notification = notification;
	}

	/**
	 * Return the exported method.
	 * @return the method
	 */
	public RpcMethodHandler getMethod() {
		return this.method;
	}

	/**
	 * Return the bound arguments (in declaration order).
	 * @return the arguments
	 */
	public @Nullable Object[] getArguments() {
		return this.arguments;
	}

	/**
	 * Return the value of a request header.
	 * @param name the header name, for example
	 * {@link dev.resilientrpc.protocol.RpcHeaders#IDEMPOTENCY_KEY}
	 * @return the value or {@code null}
	 */
	public @Nullable String getHeader(String name) {
		return this.headers.apply(name);
	}

	/**
	 * Whether the call is a notification (no response is sent).
	 * @return whether the call is a notification
	 */
	public boolean isNotification() {
		return this.notification;
	}

	/**
	 * Whether the chain reached the exported method, that is, whether the method ran (or
	 * is running). An interceptor that catches an error tells by this whether the call
	 * was refused before execution or failed in it.
	 * @return whether the method was invoked
	 */
	public boolean isInvoked() {
		return this.invoked;
	}

	void markInvoked() {
		this.invoked = true;
	}

	/**
	 * Return an attribute set by an interceptor.
	 * @param name the attribute name
	 * @return the value or {@code null}
	 */
	public @Nullable Object getAttribute(String name) {
		return (this.attributes != null) ? this.attributes.get(name) : null;
	}

	/**
	 * Set an attribute for interceptors further down the chain.
	 * @param name the attribute name
	 * @param value the value
	 */
	public void setAttribute(String name, Object value) {
		if (this.attributes == null) {
			this.attributes = new HashMap<>();
		}
		this.attributes.put(name, value);
	}

}
