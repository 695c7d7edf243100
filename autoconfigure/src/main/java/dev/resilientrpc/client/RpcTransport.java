package dev.resilientrpc.client;

import org.jspecify.annotations.Nullable;

/**
 * Sends one attempt of a call to {@link ClientCall#getTarget() its target} and returns
 * the decoded result.
 */
@FunctionalInterface
public interface RpcTransport {

	/**
	 * Send the current attempt.
	 * @param call the call, with a target
	 * @return the result, converted to the method's return type
	 * @throws RpcException if the attempt fails
	 */
	@Nullable Object send(ClientCall call);

}
