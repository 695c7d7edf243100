package dev.resilientrpc.checkpoint;

import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.Mutating;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.server.RpcMethodHandler;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Runs every call to a {@link Mutating @Mutating} method through {@link MutatingCalls}
 * against the partition it changes: the slot its key belongs to, when the call was routed
 * to one (a {@link PartitionBinding} attribute), else the node's own state of the
 * method's checkpoint name. The call is deduplicated, ordered by its timestamp and
 * appended to the partition's command log before the method runs.
 *
 * <p>
 * Runs at {@link InterceptorOrder.Server#MUTATING_CALL}: before the store-based
 * idempotency and ordering interceptors, which pass such calls through, since the
 * partition keeps their records itself.
 */
public final class MutatingCallInterceptor implements ServerInterceptor {

	private final CheckpointManager manager;

	private final MutatingCalls calls;

	private volatile Map<RpcMethodHandler, String> checkpoints = Map.of();

	/**
	 * Create a new interceptor.
	 * @param manager the node's own checkpointed state
	 * @param calls runs the calls
	 */
	public MutatingCallInterceptor(CheckpointManager manager, MutatingCalls calls) {
		this.manager = manager;
		this.calls = calls;
	}

	/**
	 * Find the {@link Mutating @Mutating} methods among the exported ones.
	 * @param registry the exported methods
	 * @param partitioned the checkpoint names of state split into slots, whose calls are
	 * routed to a slot
	 * @throws IllegalStateException if a mutating method names a checkpoint that no
	 * {@link Checkpointable} has
	 */
	public void bind(RpcServiceRegistry registry, Set<String> partitioned) {
		Map<RpcMethodHandler, String> bindings = new IdentityHashMap<>();
		for (RpcMethodHandler handler : registry.getMethods().values()) {
			Method method = handler.getMethod();
			Mutating mutating = AnnotatedElementUtils.findMergedAnnotation(method, Mutating.class);
			if (mutating == null) {
				continue;
			}
			String checkpoint = mutating.checkpoint().isEmpty() ? handler.getService() : mutating.checkpoint();
			if (this.manager.findBinding(checkpoint) == null && !partitioned.contains(checkpoint)) {
				throw new IllegalStateException("@Mutating method " + handler.getName() + " changes checkpoint '"
						+ checkpoint + "' but no Checkpointable bean has that name (known: "
						+ this.manager.getCheckpointNames() + ", split into slots: " + partitioned
						+ "): its calls could not be recovered");
			}
			bindings.put(handler, checkpoint);
		}
		this.checkpoints = bindings;
	}

	/**
	 * Return the JSON-RPC names of the methods whose calls are logged, with their
	 * checkpoint.
	 * @return checkpoint names by method name
	 */
	public Map<String, String> getLoggedMethods() {
		Map<String, String> methods = new LinkedHashMap<>();
		this.checkpoints.forEach((handler, checkpoint) -> methods.put(handler.getName(), checkpoint));
		return methods;
	}

	@Override
	public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
		String checkpoint = this.checkpoints.get(call.getMethod());
		if (checkpoint == null) {
			return chain.proceed(call);
		}
		PartitionBinding binding = (call.getAttribute(PartitionBinding.ATTRIBUTE) instanceof PartitionBinding routed)
				? routed : this.manager.findBinding(checkpoint);
		if (binding == null) {
			throw new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded",
					Map.of("reason", "not-routed", "detail",
							"the call changes state split into slots but was not routed to one; it was not executed"),
					1000L);
		}
		return this.calls.execute(call, chain, binding.partition(), binding.resyncer());
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Server.MUTATING_CALL;
	}

}
