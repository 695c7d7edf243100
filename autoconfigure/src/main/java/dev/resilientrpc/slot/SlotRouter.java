package dev.resilientrpc.slot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.checkpoint.PartitionBinding;
import dev.resilientrpc.cluster.RoutingKeys;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.RpcMethodHandler;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;
import java.time.Duration;

/**
 * Routes every call of a service whose state is split into slots to the slot of its key:
 * the key is the {@code Rpc-Ordering-Key} header or, for a client that sends none, the
 * exported method's {@code @RoutingKey} parameter (or SpEL key); when both are given they
 * must agree. A call of a slot this node holds runs here, against that slot's state; a
 * call of a slot another node holds is forwarded there ({@link Mode#FORWARD}, one hop) or
 * answered with {@code -32008} naming the owner ({@link Mode#REDIRECT}); a forwarded call
 * is never forwarded again. So any JSON-RPC client may send any call to any node.
 *
 * <p>
 * A call that comes without {@code Idempotency-Key} or {@code Rpc-Timestamp} gets them
 * here, at the first node it reaches, so that it keeps them when it is forwarded: its
 * retry by a forwarding node is executed once.
 */
public final class SlotRouter implements ServerInterceptor {

	private static final long DEFAULT_DEADLINE_MILLIS = 30_000;

	private final SlotTables tables;

	private final Forwarder forwarder;

	private final Mode mode;

	private final long retryAfterMillis;

	private final Map<RpcMethodHandler, RoutingKeys> keys = new ConcurrentHashMap<>();

	/**
	 * What a node does with a call of a slot it does not hold.
	 */
	public enum Mode {

		/** Send it to the node that holds the slot and answer with that node's answer. */
		FORWARD,

		/** Answer {@code -32008} with the owner's URI in {@code data.owner}. */
		REDIRECT

	}

	/**
	 * Create a router.
	 * @param tables the slot tables, one per partitioned service
	 * @param forwarder forwards calls
	 * @param mode what to do with calls of slots held elsewhere
	 * @param retryAfter the {@code Retry-After} of refused calls
	 */
	public SlotRouter(SlotTables tables, Forwarder forwarder, Mode mode, Duration retryAfter) {
		this.tables = tables;
		this.forwarder = forwarder;
		this.mode = mode;
		this.retryAfterMillis = retryAfter.toMillis();
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		SlotTable<?> table = this.tables.find(call.getMethod().getService());
		if (table == null) {
			return chain.proceed(call);
		}
		String key = routingKey(call);
		if (call.getHeader(RpcHeaders.IDEMPOTENCY_KEY) == null) {
			call.setHeader(RpcHeaders.IDEMPOTENCY_KEY, "node-" + UUID.randomUUID());
		}
		boolean forwarded = call.getHeader(RpcHeaders.FORWARDED_BY) != null;
		long deadline = deadline(call);
		SlotTable.Route route = table.route(key, forwarded, deadline);
		if (route instanceof SlotTable.Remote remote && !forwarded && this.mode == Mode.FORWARD) {
			try {
				return this.forwarder.forward(call, remote.uri(), deadline);
			}
			catch (RpcErrorException ex) {
				if (Forwarder.isUnreachable(ex)) {
					// the holder this node knew refused the connection, so the call did
					// not
					// run there; a holder that left handed its slots on first: route
					// again
					// from a read of the owners that began after the refusal
					route = table.route(key, true, deadline);
					if (route instanceof SlotTable.Remote moved) {
						if (moved.uri().equals(remote.uri())) {
							throw ex;
						}
						return this.forwarder.forward(call, moved.uri(), deadline);
					}
				}
				else {
					// the slot moved on from the node this one thought held it: that node
					// names where
					Object owner = (ex.getCode() == RpcErrorCodes.MOVED) ? ex.getData().get("owner") : null;
					if (owner == null || owner.equals(remote.uri())) {
						throw ex;
					}
					if (!owner.equals(table.getSelfUri())) {
						return this.forwarder.forward(call, owner.toString(), deadline);
					}
					// it is coming here: wait for it, without sending the call anywhere
					// else
					route = table.route(key, true, deadline);
				}
			}
		}
		if (route instanceof SlotTable.Local local) {
			call.setAttribute(PartitionBinding.ATTRIBUTE, local.binding());
			call.setAttribute(ServerCall.ORDERED_BY_STATE_ATTRIBUTE, Boolean.TRUE);
			return table.getState().callWith(local.target(), () -> chain.proceed(call));
		}
		if (route instanceof SlotTable.Remote remote) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("reason", "moved");
			data.put("owner", remote.uri());
			data.put("slot", remote.slot());
			throw new RpcErrorException(RpcErrorCodes.MOVED, "Moved", data);
		}
		SlotTable.Unavailable unavailable = (SlotTable.Unavailable) route;
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", "slot-unavailable");
		data.put("detail", unavailable.reason() + "; the call was not executed");
		data.put("slot", unavailable.slot());
		throw new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", data,
				Math.max(this.retryAfterMillis, unavailable.retryAfter().toMillis()));
	}

	private String routingKey(ServerCall call) {
		RoutingKeys routing = this.keys.computeIfAbsent(call.getMethod(),
				(handler) -> RoutingKeys.of(handler.getMethod()));
		String header = call.getHeader(RpcHeaders.ORDERING_KEY);
		String parameter = routing.keyOf(call.getArguments());
		if (header != null && parameter != null && !header.equals(parameter)) {
			throw invalidParams(call, "its " + RpcHeaders.ORDERING_KEY + " header '" + abbreviate(header)
					+ "' differs from its routing key param '" + abbreviate(parameter) + "'");
		}
		String key = (header != null) ? header : parameter;
		if (key == null || key.isEmpty()) {
			throw invalidParams(call, "it names no routing key: the service's state is split into slots by key, "
					+ "so its calls need a @RoutingKey param or an " + RpcHeaders.ORDERING_KEY + " header");
		}
		if (header == null) {
			call.setHeader(RpcHeaders.ORDERING_KEY, key);
		}
		return key;
	}

	private static RpcErrorException invalidParams(ServerCall call, String reason) {
		return new RpcErrorException(RpcErrorCodes.INVALID_PARAMS, "Invalid params",
				Map.of("reason", call.getMethod().getName() + ": " + reason));
	}

	private static String abbreviate(String value) {
		return (value.length() > 64) ? value.substring(0, 64) + "..." : value;
	}

	private static long deadline(ServerCall call) {
		String header = call.getHeader(RpcHeaders.TIMEOUT);
		long millis = DEFAULT_DEADLINE_MILLIS;
		if (header != null) {
			try {
				millis = Math.min(Long.parseLong(header.trim()), 3_153_600_000_000L);
			}
			catch (NumberFormatException ex) {
				// the deadline interceptor refuses what it cannot read; without it there
				// is none
			}
		}
		return System.nanoTime() + Math.max(1, millis) * 1_000_000L;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.ROUTING;
	}

}
