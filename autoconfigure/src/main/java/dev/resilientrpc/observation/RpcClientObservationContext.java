package dev.resilientrpc.observation;

import java.net.URI;
import java.util.Map;

import io.micrometer.observation.transport.RequestReplySenderContext;
import org.jspecify.annotations.Nullable;

/**
 * Context of the observation of one logical client call. Its carrier is the map of
 * headers every attempt of the call sends, so a tracing handler puts the trace context
 * ({@code traceparent}) there once and every retry and failover carries it.
 */
public class RpcClientObservationContext extends RequestReplySenderContext<Map<String, String>, Object>
		implements RpcCallContext {

	private final String service;

	private final String method;

	private @Nullable Integer errorCode;

	private @Nullable URI server;

	private int attempts;

	/**
	 * Create a context.
	 * @param service the service called
	 * @param method the fully qualified JSON-RPC method, {@code <service>.<method>}
	 * @param headers the headers sent with every attempt, to which trace context is added
	 */
	public RpcClientObservationContext(String service, String method, Map<String, String> headers) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		this.service = service;
		this.method = method;
		setCarrier(headers);
	}

	/**
	 * Return the service called.
	 * @return the service name
	 */
	public String getService() {
		return this.service;
	}

	@Override
	public String getMethod() {
		return this.method;
	}

	/**
	 * Return the JSON-RPC error code the server answered the call with.
	 * @return the code or {@code null} if the call succeeded or no JSON-RPC answer came
	 */
	@Override
	public @Nullable Integer getErrorCode() {
		return this.errorCode;
	}

	/**
	 * Set the JSON-RPC error code the server answered the call with.
	 * @param errorCode the code
	 */
	public void setErrorCode(@Nullable Integer errorCode) {
		this.errorCode = errorCode;
	}

	/**
	 * Return the endpoint the last attempt went to.
	 * @return the endpoint or {@code null} if no instance was picked
	 */
	@Override
	public @Nullable URI getServer() {
		return this.server;
	}

	/**
	 * Set the endpoint the last attempt went to.
	 * @param server the endpoint
	 */
	public void setServer(@Nullable URI server) {
		this.server = server;
	}

	/**
	 * Return how many attempts were sent.
	 * @return the attempts
	 */
	public int getAttempts() {
		return this.attempts;
	}

	/**
	 * Count one more attempt.
	 */
	public void addAttempt() {
		this.attempts++;
	}

}
