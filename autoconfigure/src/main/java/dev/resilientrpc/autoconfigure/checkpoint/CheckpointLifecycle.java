package dev.resilientrpc.autoconfigure.checkpoint;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CommandLogInterceptor;
import dev.resilientrpc.checkpoint.CommandReplayer;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcMethodHandler;
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

	private final CommandLogInterceptor interceptor;

	private final ObjectProvider<RpcServiceRegistry> registry;

	private final ObjectProvider<JsonRpcServer> server;

	private final ObjectMapper mapper;

	private volatile boolean running;

	CheckpointLifecycle(CheckpointManager manager, CommandLogInterceptor interceptor,
			ObjectProvider<RpcServiceRegistry> registry, ObjectProvider<JsonRpcServer> server, ObjectMapper mapper) {
		this.manager = manager;
		this.interceptor = interceptor;
		this.registry = registry;
		this.server = server;
		this.mapper = mapper;
	}

	@Override
	public void start() {
		RpcServiceRegistry services = this.registry.getIfAvailable();
		if (services != null) {
			this.interceptor.bind(services);
		}
		this.manager.restore(replayer(this.server.getIfAvailable()));
		this.manager.start();
		this.running = true;
	}

	private @Nullable CommandReplayer replayer(@Nullable JsonRpcServer rpcServer) {
		if (rpcServer == null) {
			return null;
		}
		return (method, params) -> {
			Object result = rpcServer.invokeWithoutInterceptors(method, this.mapper.readTree(params));
			RpcMethodHandler handler = rpcServer.getRegistry().find(method);
			boolean isVoid = handler == null || handler.getMethod().getReturnType() == void.class;
			return isVoid ? null : this.mapper.writeValueAsBytes(result);
		};
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
