package dev.resilientrpc.retry;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.RpcApplicationException;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTimeoutException;
import dev.resilientrpc.client.RpcTransportException;
import dev.resilientrpc.protocol.RpcErrorCodes;

/**
 * Decides whether a failed attempt may be retried, and why.
 */
public final class RetryableFailures {

	private RetryableFailures() {
	}

	/**
	 * Return why a failure may be retried, before asking whether the call is safe to
	 * repeat. JSON-RPC errors other than {@code -32002} and {@code -32004} are never
	 * retried, nor are protocol errors, deadlines, spent budgets or exceptions thrown on
	 * the client; a remote application exception ({@code -32000}) only if its class is
	 * listed.
	 * @param failure the failure
	 * @param retryExceptions class names of remote exceptions to retry
	 * @return the reason or {@code null} if the failure is never retried
	 */
	public static @Nullable RetryReason reasonOf(Throwable failure, Set<String> retryExceptions) {
		if (failure instanceof RpcConnectException) {
			return RetryReason.CONNECT;
		}
		if (failure instanceof CircuitOpenException) {
			return RetryReason.CIRCUIT_OPEN;
		}
		if (failure instanceof RpcApplicationException application) {
			String type = application.getRemoteExceptionType();
			return (type != null && retryExceptions.contains(type)) ? RetryReason.APPLICATION : null;
		}
		if (failure instanceof RpcRemoteException remote) {
			return switch (remote.getCode()) {
				case RpcErrorCodes.OVERLOADED -> RetryReason.OVERLOADED;
				case RpcErrorCodes.DUPLICATE_IN_FLIGHT -> RetryReason.DUPLICATE_IN_FLIGHT;
				default -> null;
			};
		}
		if (failure instanceof RpcTimeoutException) {
			return RetryReason.TIMEOUT;
		}
		if (failure instanceof RpcTransportException transport) {
			return transport.mayHaveBeenSent() ? RetryReason.TRANSPORT : RetryReason.CONNECT;
		}
		return null;
	}

}
