package dev.resilientrpc.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcHeaders;

/**
 * The signature of a request,
 * {@code Rpc-Signature: keyId=<id>, t=<millis>, sig=<base64url>}, where {@code sig} is
 * HMAC-SHA256, with the key named by {@code keyId}, over these lines (UTF-8, each ended
 * by {@code \n}):
 *
 * <pre>
 * RPC-HMAC-SHA256
 * keyId
 * POST path
 * t                  (when the request was signed, milliseconds since the epoch)
 * Rpc-Timestamp      (the header's value, or nothing)
 * Idempotency-Key
 * Rpc-Ordering-Key   (or nothing)
 * Rpc-Forwarded-By   (or nothing)
 * base64url(SHA-256(body))
 * </pre>
 *
 * The body holds the JSON-RPC method(s) and params, so they are signed through its
 * digest.
 */
public final class CallSignatures {

	/** The algorithm's name, the first line of what is signed. */
	public static final String ALGORITHM = "RPC-HMAC-SHA256";

	private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

	private CallSignatures() {
	}

	/**
	 * Compute a signature.
	 * @param keyId the key's id
	 * @param secret the key
	 * @param path the request path
	 * @param signedAt when the request is signed, milliseconds since the epoch
	 * @param body the body
	 * @param length how many bytes of {@code body} to read
	 * @param headers the request headers by name
	 * @return the {@code sig} value
	 */
	public static String compute(String keyId, byte[] secret, String path, long signedAt, byte[] body, int length,
			Function<String, @Nullable String> headers) {
		StringBuilder text = new StringBuilder(256);
		line(text, ALGORITHM);
		line(text, keyId);
		line(text, "POST " + path);
		line(text, Long.toString(signedAt));
		line(text, headers.apply(RpcHeaders.TIMESTAMP));
		line(text, headers.apply(RpcHeaders.IDEMPOTENCY_KEY));
		line(text, headers.apply(RpcHeaders.ORDERING_KEY));
		line(text, headers.apply(RpcHeaders.FORWARDED_BY));
		line(text, BASE64.encodeToString(sha256(body, length)));
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret, "HmacSHA256"));
			return BASE64.encodeToString(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Write the {@code Rpc-Signature} header's value.
	 * @param keyId the key's id
	 * @param signedAt when the request was signed
	 * @param signature the {@code sig} value
	 * @return the header value
	 */
	public static String header(String keyId, long signedAt, String signature) {
		return "keyId=" + keyId + ", t=" + signedAt + ", sig=" + signature;
	}

	/**
	 * Whether two signatures are equal, in time that does not depend on where they
	 * differ.
	 * @param a one signature
	 * @param b the other
	 * @return whether they are equal
	 */
	static boolean equal(String a, String b) {
		return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
	}

	private static void line(StringBuilder text, @Nullable String value) {
		if (value != null) {
			text.append(value);
		}
		text.append('\n');
	}

	private static byte[] sha256(byte[] body, int length) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(body, 0, length);
			return digest.digest();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
