package dev.resilientrpc.retry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.HttpClient;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.util.Timeout;

import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * Makes Apache HttpClient 5 end an attempt at its {@link AttemptDeadline}: each request
 * of an attempt with a deadline gets a response timeout of what is left (at most the
 * client's read timeout). HttpClient 5 reads from blocking sockets, which ignore the
 * {@link AttemptTimer}'s interrupt; this is what cuts its attempts short.
 */
public final class HttpComponentsAttemptTimeouts {

	private HttpComponentsAttemptTimeouts() {
	}

	/**
	 * Apply attempt deadlines to the requests a factory makes.
	 * @param factory the factory
	 * @param readTimeout the longest response timeout
	 */
	public static void apply(HttpComponentsClientHttpRequestFactory factory, Duration readTimeout) {
		HttpClient client = factory.getHttpClient();
		RequestConfig configured = (client instanceof Configurable configurable) ? configurable.getConfig() : null;
		RequestConfig base = (configured != null) ? configured : RequestConfig.DEFAULT;
		long readMillis = readTimeout.toMillis();
		factory.setHttpContextFactory((method, uri) -> {
			long remaining = AttemptDeadline.remainingNanos();
			if (remaining < 0) {
				return null;
			}
			long millis = Math.max(1, Math.min(readMillis, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)));
			HttpClientContext context = HttpClientContext.create();
			context
				.setRequestConfig(RequestConfig.copy(base).setResponseTimeout(Timeout.ofMilliseconds(millis)).build());
			return context;
		});
	}

}
