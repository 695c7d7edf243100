package dev.resilientrpc.ordering;

/**
 * Thrown by an {@link OrderingStore} that cannot answer, for example because Redis is
 * unreachable. The interceptors shed the call, or let it go on unordered if they fail
 * open.
 */
public class OrderingStoreException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message what failed
	 * @param cause the cause
	 */
	public OrderingStoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
