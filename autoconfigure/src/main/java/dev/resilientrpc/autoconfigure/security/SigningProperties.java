package dev.resilientrpc.autoconfigure.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.security.SignatureVerifier;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties of signed calls.
 */
@ConfigurationProperties("resilient-rpc.signing")
public class SigningProperties {

	private static final int MIN_SECRET_LENGTH = 32;

	/**
	 * What the server does with the Rpc-Signature of requests: 'off', 'verify-if-present'
	 * (a signed request must be valid, unsigned ones are served) or 'required'.
	 */
	private SignatureVerifier.Mode mode = SignatureVerifier.Mode.OFF;

	/**
	 * Keys by id: the server accepts a signature made with any of them (several at once
	 * while one is rotated). Secrets of at least 32 characters; keep them out of source,
	 * e.g. in environment variables.
	 */
	private Map<String, String> keys = new LinkedHashMap<>();

	/**
	 * Id of the key (under keys) this application signs its calls with, and a node the
	 * calls it forwards. Unset, calls are not signed.
	 */
	private @Nullable String keyId;

	/**
	 * How far the time a call was signed may be from the server's clock; older signatures
	 * are refused, and one seen within it is refused as a replay.
	 */
	private Duration clockSkew = Duration.ofSeconds(30);

	/**
	 * Most signatures remembered (for the clock skew) to refuse replays; beyond it,
	 * signed calls are shed with -32002 until some expire.
	 */
	private int maxRemembered = 100_000;

	public SignatureVerifier.Mode getMode() {
		return this.mode;
	}

	public void setMode(SignatureVerifier.Mode mode) {
		this.mode = mode;
	}

	public Map<String, String> getKeys() {
		return this.keys;
	}

	public void setKeys(Map<String, String> keys) {
		this.keys = keys;
	}

	public @Nullable String getKeyId() {
		return this.keyId;
	}

	public void setKeyId(@Nullable String keyId) {
		this.keyId = keyId;
	}

	public Duration getClockSkew() {
		return this.clockSkew;
	}

	public void setClockSkew(Duration clockSkew) {
		this.clockSkew = clockSkew;
	}

	public int getMaxRemembered() {
		return this.maxRemembered;
	}

	public void setMaxRemembered(int maxRemembered) {
		this.maxRemembered = maxRemembered;
	}

	void validate() {
		this.keys.forEach((id, secret) -> {
			if (!id.chars().allMatch(SigningProperties::isKeyIdChar)) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.signing.keys", id,
						"key ids may hold only letters, digits, '.', '_' and '-'");
			}
			if (secret.length() < MIN_SECRET_LENGTH) {
				// the value is a secret: never print it
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.signing.keys." + id, "******",
						"must be at least " + MIN_SECRET_LENGTH + " characters long");
			}
		});
		if (this.mode != SignatureVerifier.Mode.OFF && this.keys.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.signing.keys", "{}",
					"needs at least one key when resilient-rpc.signing.mode is " + this.mode);
		}
		if (this.keyId != null && !this.keys.containsKey(this.keyId)) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.signing.key-id", this.keyId,
					"names no key under resilient-rpc.signing.keys");
		}
		if (this.clockSkew.isZero() || this.clockSkew.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.signing.clock-skew", this.clockSkew,
					"must be > 0");
		}
		if (this.maxRemembered < 1) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.signing.max-remembered",
					this.maxRemembered, "must be > 0");
		}
	}

	private static boolean isKeyIdChar(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
				|| c == '-';
	}

}
