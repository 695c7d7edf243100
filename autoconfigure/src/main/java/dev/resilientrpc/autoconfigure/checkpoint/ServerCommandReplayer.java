package dev.resilientrpc.autoconfigure.checkpoint;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.resilientrpc.checkpoint.CommandReplayer;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcMethodHandler;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a logged call again through the application's {@link JsonRpcServer}, without its
 * interceptors, and gives its result as JSON. The server is looked up at the first
 * replay: it is built with the interceptors that replay through this.
 */
public final class ServerCommandReplayer implements CommandReplayer {

	private final ObjectProvider<JsonRpcServer> server;

	private final ObjectMapper mapper;

	/**
	 * Create a replayer.
	 * @param server the server, looked up lazily
	 * @param mapper the JSON-RPC mapper
	 */
	public ServerCommandReplayer(ObjectProvider<JsonRpcServer> server, ObjectMapper mapper) {
		this.server = server;
		this.mapper = mapper;
	}

	/**
	 * Whether this application serves JSON-RPC, so that logged calls can be replayed.
	 * @return whether a server exists
	 */
	public boolean isAvailable() {
		return this.server.getIfAvailable() != null;
	}

	@Override
	public byte @Nullable [] replay(String method, String params) throws Exception {
		JsonRpcServer rpcServer = this.server.getObject();
		Object result = rpcServer.invokeWithoutInterceptors(method, this.mapper.readTree(params));
		RpcMethodHandler handler = rpcServer.getRegistry().find(method);
		boolean isVoid = handler == null || handler.getMethod().getReturnType() == void.class;
		return isVoid ? null : this.mapper.writeValueAsBytes(result);
	}

}
