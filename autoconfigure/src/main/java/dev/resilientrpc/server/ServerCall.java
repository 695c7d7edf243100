package dev.resilientrpc.server;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One JSON-RPC call on the server: the exported method, its bound arguments and the HTTP
 * headers of the request that carried it.
 */
public final class ServerCall {

	/**
	 * Attribute of a call whose ordering and idempotency are kept by the state it runs
	 * against (a checkpointed partition records its calls itself, in its log and
	 * checkpoints): the store-based ordering and idempotency interceptors pass it
	 * through.
	 */
	public static final String ORDERED_BY_STATE_ATTRIBUTE = ServerCall.class.getName() + ".orderedByState";

	private final RpcMethodHandler method;

	private final @Nullable Object[] arguments;

	private final Function<String, @Nullable String> headers;

	private final boolean notification;

	private @Nullable Map<String, Object> attributes;

	private @Nullable Map<String, String> headerOverrides;

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
		if (this.headerOverrides != null) {
			String value = this.headerOverrides.get(name.toLowerCase(Locale.ROOT));
			if (value != null) {
				return value;
			}
		}
		return this.headers.apply(name);
	}

	/**
	 * Give the call a header for the interceptors further down the chain, as when the
	 * first node a header-less call reaches gives it an {@code Idempotency-Key} and an
	 * {@code Rpc-Timestamp}, so that it keeps them when it is forwarded or retried.
	 * @param name the header name
	 * @param value its value
	 */
	public void setHeader(String name, String value) {
		if (this.headerOverrides == null) {
			this.headerOverrides = new HashMap<>();
		}
		this.headerOverrides.put(name.toLowerCase(Locale.ROOT), value);
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
