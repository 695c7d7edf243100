package dev.resilientrpc.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcHeaders;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Signs requests with one key (see {@link CallSignatures}): as a
 * {@link ClientHttpRequestInterceptor} of a client's {@code RestClient}, and directly for
 * a node that forwards a call. Every attempt is signed anew, at the time it is sent.
 */
public final class CallSigner implements ClientHttpRequestInterceptor {

	private final String keyId;

	private final byte[] secret;

	private final Clock clock;

	/**
	 * Create a signer.
	 * @param keyId the id of the key, which the server looks the key up by
	 * @param secret the key
	 * @param clock the clock that stamps each signature
	 */
	public CallSigner(String keyId, String secret, Clock clock) {
		if (keyId.isEmpty() || !keyId.chars().allMatch(CallSigner::isKeyIdChar)) {
			throw new IllegalArgumentException("keyId: '" + keyId + "' (expected: letters, digits, '.', '_', '-')");
		}
		this.keyId = keyId;
		this.secret = secret.getBytes(StandardCharsets.UTF_8);
		this.clock = clock;
	}

	static boolean isKeyIdChar(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
				|| c == '-';
	}

	/**
	 * Return the {@code Rpc-Signature} value of a request.
	 * @param path the request path
	 * @param body the body
	 * @param headers the request headers by name
	 * @return the header value
	 */
	public String sign(String path, byte[] body, Function<String, @Nullable String> headers) {
		long signedAt = this.clock.millis();
		String signature = CallSignatures.compute(this.keyId, this.secret, path, signedAt, body, body.length, headers);
		return CallSignatures.header(this.keyId, signedAt, signature);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String path = request.getURI().getRawPath();
		request.getHeaders()
			.set(RpcHeaders.SIGNATURE, sign((path != null) ? path : "/", body, request.getHeaders()::getFirst));
		return execution.execute(request, body);
	}

}
