package dev.resilientrpc.autoconfigure.checkpoint;

import java.util.Set;
import java.util.function.Supplier;

import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.MutatingCallInterceptor;
import dev.resilientrpc.server.RpcServiceRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Restores every checkpoint when the context starts and writes a last one when it stops.
 *
 * <p>
 * Its phase puts it after the Redis connection factory (phase 0) and before the web
 * server ({@code DEFAULT_PHASE - 2048}): the state is restored before the JSON-RPC
 * endpoint can take a call, readiness stays {@code REFUSING_TRAFFIC} until then (Boot
 * reports the application ready only after every lifecycle bean has started), and on
 * shutdown the last checkpoint is written after the web server has stopped taking calls
 * and before Redis connections close.
 */
public final class CheckpointLifecycle implements SmartLifecycle {

	/**
	 * The phase: before the web server starts, after it stops.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final CheckpointManager manager;

	private final MutatingCallInterceptor interceptor;

	private final ObjectProvider<RpcServiceRegistry> registry;

	private final ServerCommandReplayer replayer;

	private final Supplier<Set<String>> partitioned;

	private volatile boolean running;

	CheckpointLifecycle(CheckpointManager manager, MutatingCallInterceptor interceptor,
			ObjectProvider<RpcServiceRegistry> registry, ServerCommandReplayer replayer,
			Supplier<Set<String>> partitioned) {
		this.manager = manager;
		this.interceptor = interceptor;
		this.registry = registry;
		this.replayer = replayer;
		this.partitioned = partitioned;
	}

	@Override
	public void start() {
		Set<String> partitioned = this.partitioned.get();
		RpcServiceRegistry services = this.registry.getIfAvailable();
		if (services != null) {
			this.interceptor.bind(services, partitioned);
		}
		this.manager.restore(this.replayer.isAvailable() ? this.replayer : null);
		this.manager.start();
		this.running = true;
	}

	@Override
	public void stop() {
		if (this.running) {
			this.running = false;
			this.manager.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
