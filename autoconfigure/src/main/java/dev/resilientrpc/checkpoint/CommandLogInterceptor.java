package dev.resilientrpc.checkpoint;

import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Lock;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.annotation.Mutating;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.RpcMethodHandler;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Appends every call to a {@link Mutating @Mutating} method to the command log of its
 * checkpoint before the method runs (so before its response is sent), with its
 * idempotency key and timestamp. A call whose idempotency key the checkpoint already
 * holds is answered with the remembered result instead of running again, so a call
 * retried across a crash is applied once. When the log cannot be written the method does
 * not run and the caller gets {@code -32002} (overloaded, retryable).
 *
 * <p>
 * Runs at {@link InterceptorOrder.Server#COMMAND_LOG}, after deadline, idempotency and
 * ordering, right before the method.
 */
public final class CommandLogInterceptor implements ServerInterceptor {

	/**
	 * Attribute of a {@link ServerCall} that another interceptor has already appended to
	 * a command log (a failover successor logging a hinted write to the log of the node
	 * that owns the call's key): such a call is passed through, not logged again to this
	 * node's log.
	 */
	public static final String LOGGED_ELSEWHERE_ATTRIBUTE = CommandLogInterceptor.class.getName() + ".loggedElsewhere";

	private static final long RETRY_AFTER_MILLIS = 1000;

	private static final int MAX_KEY_LENGTH = 1024;

	private final CheckpointManager manager;

	private final ObjectMapper mapper;

	private volatile Map<RpcMethodHandler, Binding> bindings = Map.of();

	/**
	 * Create a new interceptor.
	 * @param manager the checkpoints
	 * @param mapper the JSON-RPC mapper, used to log params and remember results
	 */
	public CommandLogInterceptor(CheckpointManager manager, ObjectMapper mapper) {
		this.manager = manager;
		this.mapper = mapper;
	}

	/**
	 * Find the {@link Mutating @Mutating} methods among the exported ones.
	 * @param registry the exported methods
	 * @throws IllegalStateException if a mutating method names a checkpoint that no
	 * {@link Checkpointable} has
	 */
	public void bind(RpcServiceRegistry registry) {
		Map<RpcMethodHandler, Binding> bindings = new IdentityHashMap<>();
		for (RpcMethodHandler handler : registry.getMethods().values()) {
			Method method = handler.getMethod();
			Mutating mutating = AnnotatedElementUtils.findMergedAnnotation(method, Mutating.class);
			if (mutating == null) {
				continue;
			}
			String checkpoint = mutating.checkpoint().isEmpty() ? handler.getService() : mutating.checkpoint();
			CheckpointManager.Unit unit = this.manager.findUnit(checkpoint);
			if (unit == null) {
				throw new IllegalStateException("@Mutating method " + handler.getName() + " changes checkpoint '"
						+ checkpoint + "' but no Checkpointable bean has that name (known: "
						+ this.manager.getCheckpointNames() + "): its calls could not be recovered");
			}
			JavaType returnType = (method.getReturnType() == void.class) ? null
					: this.mapper.constructType(method.getGenericReturnType());
			bindings.put(handler, new Binding(unit, returnType));
		}
		this.bindings = bindings;
	}

	/**
	 * Return the JSON-RPC names of the methods whose calls are logged, with their
	 * checkpoint.
	 * @return checkpoint names by method name
	 */
	public Map<String, String> getLoggedMethods() {
		Map<String, String> methods = new LinkedHashMap<>();
		this.bindings.forEach((handler, binding) -> methods.put(handler.getName(), binding.unit.name));
		return methods;
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		Binding binding = this.bindings.get(call.getMethod());
		if (binding == null || call.getAttribute(LOGGED_ELSEWHERE_ATTRIBUTE) != null) {
			return chain.proceed(call);
		}
		CheckpointManager.Unit unit = binding.unit;
		String key = idempotencyKey(call);
		long timestamp = timestamp(call);
		AppliedCalls.Entry applied = unit.applied.begin(key);
		if (applied != null) {
			if (AppliedCalls.isInFlight(applied)) {
				throw new RpcErrorException(RpcErrorCodes.DUPLICATE_IN_FLIGHT, "Duplicate in flight",
						Map.of("idempotencyKey", key));
			}
			return decode(binding, applied.result());
		}
		boolean done = false;
		Lock lock = unit.gate.readLock();
		lock.lock();
		try {
			CommandLog log = unit.log;
			if (log == null || unit.fenced) {
				throw overloaded(unit, (log == null) ? "not restored yet" : "fenced: another process took over");
			}
			String params = this.mapper.writeValueAsString(call.getArguments());
			try {
				log.append(new CommandLogEntry(null, key, timestamp, call.getMethod().getName(), params));
			}
			catch (CommandLog.CommandLogException ex) {
				throw overloaded(unit, ex.reason() + ": " + ex.getMessage());
			}
			Object result = chain.proceed(call);
			unit.applied.complete(key, timestamp,
					(binding.returnType != null) ? this.mapper.writeValueAsBytes(result) : null);
			done = true;
			return result;
		}
		finally {
			lock.unlock();
			if (!done) {
				unit.applied.abort(key);
			}
		}
	}

	private static String idempotencyKey(ServerCall call) {
		String key = call.getHeader(RpcHeaders.IDEMPOTENCY_KEY);
		if (key == null || key.isEmpty()) {
			return "local-" + UUID.randomUUID();
		}
		if (key.length() > MAX_KEY_LENGTH) {
			throw new RpcErrorException(RpcErrorCodes.INVALID_REQUEST, "Invalid Request",
					Map.of("reason", RpcHeaders.IDEMPOTENCY_KEY + " longer than " + MAX_KEY_LENGTH + " characters"));
		}
		return key;
	}

	private long timestamp(ServerCall call) {
		String header = call.getHeader(RpcHeaders.TIMESTAMP);
		if (header != null) {
			try {
				return Long.parseLong(header.trim());
			}
			catch (NumberFormatException ex) {
				// the ordering interceptor rejects malformed timestamps; without it,
				// stamp locally
			}
		}
		return this.manager.nextLocalTimestamp();
	}

	private @Nullable Object decode(Binding binding, byte @Nullable [] result) {
		if (binding.returnType == null || result == null) {
			return null;
		}
		return this.mapper.readValue(result, binding.returnType);
	}

	private static RpcErrorException overloaded(CheckpointManager.Unit unit, String reason) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("reason", "command log unavailable, the call was not executed: " + reason);
		data.put("checkpoint", unit.name);
		return new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", data, RETRY_AFTER_MILLIS);
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.COMMAND_LOG;
	}

	private record Binding(CheckpointManager.Unit unit, @Nullable JavaType returnType) {

	}

}
