package dev.resilientrpc.server;

import java.time.Duration;

/**
 * Limits that {@link JsonRpcServlet} applies to an HTTP request before its body is
 * processed.
 *
 * @param maxRequestSize the largest body accepted, in bytes
 * @param maxHeaderSize the largest sum of header name and value lengths accepted
 * @param maxIdempotencyKeyLength the longest {@code Idempotency-Key} accepted
 * @param maxInFlight the most requests processed at once, 0 for no limit
 * @param retryAfter the {@code Retry-After} of a request refused because
 * {@code maxInFlight} were running
 */
public record RequestLimits(long maxRequestSize, int maxHeaderSize, int maxIdempotencyKeyLength, int maxInFlight,
		Duration retryAfter) {

	/**
	 * Return limits with only a body size: headers up to 8KB, keys up to 128 characters,
	 * no limit of requests in flight.
	 * @param maxRequestSize the largest body accepted, in bytes
	 * @return the limits
	 */
	public static RequestLimits ofMaxRequestSize(long maxRequestSize) {
		return new RequestLimits(maxRequestSize, 8192, 128, 0, Duration.ofSeconds(1));
	}

}
