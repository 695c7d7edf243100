package dev.resilientrpc.observation;

import java.net.URI;
import java.util.function.Function;

import io.micrometer.observation.transport.RequestReplyReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * Context of the observation of one JSON-RPC call on the server. Its carrier is the
 * request's headers by name, from which a tracing handler reads the caller's trace
 * context ({@code traceparent}).
 */
public class RpcServerObservationContext extends RequestReplyReceiverContext<Function<String, @Nullable String>, Object>
		implements RpcCallContext {

	/** The method name for a call to a method the server does not export. */
	public static final String UNKNOWN_METHOD = "_OTHER";

	private final String method;

	private @Nullable Integer errorCode;

	private @Nullable URI server;

	/**
	 * Create a context that continues the caller's trace from the request's headers.
	 * @param method the exported JSON-RPC method, {@code <service>.<method>}, or
	 * {@link #UNKNOWN_METHOD}
	 * @param headers the request headers by name
	 */
	public RpcServerObservationContext(String method, Function<String, @Nullable String> headers) {
		this(method, headers, false);
	}

	/**
	 * Create a context.
	 * @param method the exported JSON-RPC method, {@code <service>.<method>}, or
	 * {@link #UNKNOWN_METHOD}
	 * @param headers the request headers by name
	 * @param inCurrentTrace whether the call belongs to the observation in scope (such as
	 * Boot's {@code http.server.requests}, which continued the caller's trace already): a
	 * tracer then finds no trace context in the headers and makes the call's span a child
	 * of the current one, rather than a sibling of it
	 */
	public RpcServerObservationContext(String method, Function<String, @Nullable String> headers,
			boolean inCurrentTrace) {
		super(inCurrentTrace ? (carrier, key) -> null : (carrier, key) -> carrier.apply(key));
		this.method = method;
		setCarrier(headers);
		String host = headers.apply("Host");
		if (host != null) {
			try {
				this.server = URI.create("http://" + host);
			}
			catch (IllegalArgumentException ex) {
				// a Host header that is no authority is left out
			}
		}
	}

	@Override
	public String getMethod() {
		return this.method;
	}

	/**
	 * Return the JSON-RPC error code the call was answered with.
	 * @return the code or {@code null} if it succeeded
	 */
	@Override
	public @Nullable Integer getErrorCode() {
		return this.errorCode;
	}

	/**
	 * Set the JSON-RPC error code the call was answered with.
	 * @param errorCode the code, or {@code null} for success
	 */
	public void setErrorCode(@Nullable Integer errorCode) {
		this.errorCode = errorCode;
	}

	/**
	 * Return the address the request was sent to, from its {@code Host} header.
	 * @return the address or {@code null}
	 */
	@Override
	public @Nullable URI getServer() {
		return this.server;
	}

}
