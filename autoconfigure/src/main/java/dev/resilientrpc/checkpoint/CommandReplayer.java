package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.Nullable;

/**
 * Runs a logged call again during recovery, directly on the service, without
 * interceptors.
 */
@FunctionalInterface
public interface CommandReplayer {

	/**
	 * Invoke the method with the logged params.
	 * @param method the JSON-RPC method name
	 * @param params the params as a JSON array
	 * @return the result as JSON, or {@code null}
	 * @throws Exception what the method threw; a
	 * {@link dev.resilientrpc.protocol.RpcErrorException} with code {@code -32601} or
	 * {@code -32602} means that the call cannot be replayed at all
	 */
	byte @Nullable [] replay(String method, String params) throws Exception;

}
