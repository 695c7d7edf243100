package dev.resilientrpc.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.RequestVerifier;

/**
 * Checks the {@code Rpc-Signature} of a request (see {@link CallSignatures}) against the
 * keys it knows by id, so that several keys can be accepted at once while one is rotated.
 * A signature made longer ago (or further ahead) than the clock skew allows is refused,
 * and so is one seen before: a captured request cannot be sent again. Retries are not
 * replays: each attempt is signed anew.
 *
 * <p>
 * Refusals are JSON-RPC errors {@code -32600} whose {@code data.reason} says why: HTTP
 * 401 for a missing, malformed, unknown-key or wrong signature, 403 for an expired or
 * replayed one. Nothing in a refused request runs.
 */
public final class SignatureVerifier implements RequestVerifier {

	/**
	 * What the server does with signatures.
	 */
	public enum Mode {

		/** Signatures are ignored. */
		OFF,

		/** A signed request must carry a valid signature; unsigned ones are served. */
		VERIFY_IF_PRESENT,

		/** Every request must carry a valid signature. */
		REQUIRED

	}

	private final Mode mode;

	private final Map<String, byte[]> keys;

	private final long skewMillis;

	private final int maxRemembered;

	private final Clock clock;

	private final Map<String, Long> seen = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Seen> seenInOrder = new ConcurrentLinkedQueue<>();

	private final AtomicInteger seenCount = new AtomicInteger();

	/**
	 * Create a verifier.
	 * @param mode what to do with signatures
	 * @param keys the accepted keys by id
	 * @param clockSkew how far a signature's time may be from this server's clock
	 * @param maxRemembered the most signatures remembered to refuse replays; when full,
	 * signed requests are refused with {@code -32002} until some expire
	 * @param clock the clock
	 */
	public SignatureVerifier(Mode mode, Map<String, String> keys, Duration clockSkew, int maxRemembered, Clock clock) {
		if (mode != Mode.OFF && keys.isEmpty()) {
			throw new IllegalArgumentException("keys: none (expected: at least one key when mode is " + mode + ")");
		}
		this.mode = mode;
		Map<String, byte[]> secrets = new LinkedHashMap<>();
		keys.forEach((id, secret) -> secrets.put(id, secret.getBytes(StandardCharsets.UTF_8)));
		this.keys = Map.copyOf(secrets);
		this.skewMillis = clockSkew.toMillis();
		this.maxRemembered = maxRemembered;
		this.clock = clock;
	}

	@Override
	public @Nullable Refusal verify(String path, byte[] body, int length, Function<String, @Nullable String> headers) {
		if (this.mode == Mode.OFF) {
			return null;
		}
		String header = headers.apply(RpcHeaders.SIGNATURE);
		if (header == null) {
			return (this.mode == Mode.REQUIRED)
					? unauthenticated("signature-missing",
							"the server requires every call to carry a valid " + RpcHeaders.SIGNATURE + " header")
					: null;
		}
		Parsed parsed = Parsed.of(header);
		if (parsed == null) {
			return unauthenticated("signature-malformed",
					RpcHeaders.SIGNATURE + " must be 'keyId=<id>, t=<millis>, sig=<base64url>'");
		}
		byte[] secret = this.keys.get(parsed.keyId());
		if (secret == null) {
			return unauthenticated("signature-unknown-key", "no key with id '" + parsed.keyId() + "' is accepted");
		}
		if (headers.apply(RpcHeaders.IDEMPOTENCY_KEY) == null) {
			return unauthenticated("signature-incomplete",
					"a signed call must carry an " + RpcHeaders.IDEMPOTENCY_KEY + " header");
		}
		String expected = CallSignatures.compute(parsed.keyId(), secret, path, parsed.signedAt(), body, length,
				headers);
		if (!CallSignatures.equal(expected, parsed.signature())) {
			return unauthenticated("signature-invalid",
					"the signature does not match the request (its body, path or signed headers)");
		}
		long now = this.clock.millis();
		if (Math.abs(now - parsed.signedAt()) > this.skewMillis) {
			return forbidden("signature-expired", "the call was signed " + (now - parsed.signedAt())
					+ "ms from this server's time, more than the allowed " + this.skewMillis + "ms");
		}
		return remember(parsed.signature(), parsed.signedAt() + this.skewMillis, now);
	}

	private @Nullable Refusal remember(String signature, long expiresAt, long now) {
		forgetExpired(now);
		if (this.seenCount.get() >= this.maxRemembered) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("reason", "overloaded");
			data.put("detail", "too many signed calls to remember within the clock skew; the call was not executed");
			return new Refusal(503, RpcErrorCodes.OVERLOADED, "Overloaded", data);
		}
		if (this.seen.putIfAbsent(signature, expiresAt) != null) {
			return forbidden("signature-replayed", "this signed request was received before");
		}
		this.seenCount.incrementAndGet();
		this.seenInOrder.add(new Seen(signature, expiresAt));
		return null;
	}

	private void forgetExpired(long now) {
		// roughly in expiry order: one that lives longer holds back the rest for at most
		// twice the skew, and the count keeps that bounded
		Seen head;
		while ((head = this.seenInOrder.peek()) != null && head.expiresAt() < now) {
			if (this.seenInOrder.remove(head)) {
				this.seen.remove(head.signature());
				this.seenCount.decrementAndGet();
			}
		}
	}

	private static Refusal unauthenticated(String reason, String detail) {
		return new Refusal(401, RpcErrorCodes.INVALID_REQUEST, "Unauthenticated",
				Map.of("reason", reason, "detail", detail));
	}

	private static Refusal forbidden(String reason, String detail) {
		return new Refusal(403, RpcErrorCodes.INVALID_REQUEST, "Forbidden", Map.of("reason", reason, "detail", detail));
	}

	private record Seen(String signature, long expiresAt) {
	}

	private record Parsed(String keyId, long signedAt, String signature) {

		static @Nullable Parsed of(String header) {
			String keyId = null;
			String signature = null;
			long signedAt = -1;
			for (String part : header.split(",", 4)) {
				int equals = part.indexOf('=');
				if (equals < 0) {
					return null;
				}
				String name = part.substring(0, equals).trim();
				String value = part.substring(equals + 1).trim();
				switch (name) {
					case "keyId" -> keyId = value;
					case "sig" -> signature = value;
					case "t" -> {
						try {
							signedAt = Long.parseLong(value);
						}
						catch (NumberFormatException ex) {
							return null;
						}
					}
					default -> {
						return null;
					}
				}
			}
			if (keyId == null || keyId.isEmpty() || signature == null || signature.isEmpty() || signedAt < 0) {
				return null;
			}
			return new Parsed(keyId, signedAt, signature);
		}

	}

}
