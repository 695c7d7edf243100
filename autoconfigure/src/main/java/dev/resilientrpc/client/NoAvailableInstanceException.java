package dev.resilientrpc.client;

/**
 * No instance of the service is known, so the call was not sent.
 */
public class NoAvailableInstanceException extends RpcException {

	/**
	 * Create a new instance.
	 * @param service the service
	 */
	public NoAvailableInstanceException(String service) {
		super("No instances available for service '" + service + "'", null, false);
	}

}
