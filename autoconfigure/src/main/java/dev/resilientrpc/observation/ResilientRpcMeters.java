package dev.resilientrpc.observation;

/**
 * The names of resilient-rpc's own meters all start with {@link #PREFIX}, so that one
 * {@code MeterFilter} or dashboard query finds them. The per-call timers follow the
 * OpenTelemetry RPC conventions instead ({@code rpc.client.call.duration},
 * {@code rpc.server.call.duration}); see {@code docs/observability.md} for the table of
 * every meter.
 */
public final class ResilientRpcMeters {

	/** Prefix of every meter resilient-rpc registers itself. */
	public static final String PREFIX = "resilientrpc.";

	/** Prefix of the client's retry, budget and breaker meters. */
	public static final String CLIENT = PREFIX + "client.";

	/** Prefix of the ordering and idempotency meters of the server. */
	public static final String ORDERING = PREFIX + "ordering.";

	/** Prefix of the load balancer's meters. */
	public static final String LOAD_BALANCER = PREFIX + "loadbalancer.";

	/** Prefix of the checkpoint meters. */
	public static final String CHECKPOINT = PREFIX + "checkpoint.";

	private ResilientRpcMeters() {
	}

}
