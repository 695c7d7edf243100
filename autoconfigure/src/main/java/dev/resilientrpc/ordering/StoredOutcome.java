package dev.resilientrpc.ordering;

import java.nio.charset.StandardCharsets;

/**
 * The outcome of an executed call, as an idempotency record keeps it: the JSON of the
 * result, or the JSON of the error ({@code code}, {@code message}, {@code data}) the call
 * was answered with. Replaying it reproduces the original answer byte for byte.
 */
public final class StoredOutcome {

	private static final char RESULT = 'r';

	private static final char ERROR = 'e';

	/** The outcome of a call acknowledged without executing it: a {@code null} result. */
	public static final StoredOutcome NULL_RESULT = result("null");

	private final boolean error;

	private final String json;

	private StoredOutcome(boolean error, String json) {
		this.error = error;
		this.json = json;
	}

	/**
	 * A successful outcome.
	 * @param json the JSON of the result
	 * @return the outcome
	 */
	public static StoredOutcome result(String json) {
		return new StoredOutcome(false, json);
	}

	/**
	 * A failed outcome.
	 * @param json the JSON of the error object: {@code code}, {@code message},
	 * {@code data} and, if the caller was told to wait, {@code retryAfterMillis}
	 * @return the outcome
	 */
	public static StoredOutcome error(String json) {
		return new StoredOutcome(true, json);
	}

	/**
	 * Read an outcome written by {@link #encode()}.
	 * @param encoded the encoded outcome
	 * @return the outcome
	 * @throws IllegalArgumentException if the text is not an encoded outcome
	 */
	public static StoredOutcome decode(String encoded) {
		if (encoded.length() < 2 || (encoded.charAt(0) != RESULT && encoded.charAt(0) != ERROR)) {
			throw new IllegalArgumentException(
					"Not a stored outcome: '" + encoded.substring(0, Math.min(encoded.length(), 32)) + "'");
		}
		return new StoredOutcome(encoded.charAt(0) == ERROR, encoded.substring(1));
	}

	/**
	 * Write the outcome as one string: a type letter followed by the JSON.
	 * @return the encoded outcome
	 */
	public String encode() {
		return (this.error ? ERROR : RESULT) + this.json;
	}

	/**
	 * Whether the call failed.
	 * @return whether this is an error
	 */
	public boolean isError() {
		return this.error;
	}

	/**
	 * Return the JSON of the result or of the error.
	 * @return the JSON
	 */
	public String getJson() {
		return this.json;
	}

	/**
	 * Return the JSON in UTF-8.
	 * @return the JSON bytes
	 */
	public byte[] getJsonBytes() {
		return this.json.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof StoredOutcome that) && this.error == that.error && this.json.equals(that.json);
	}

	@Override
	public int hashCode() {
		return this.json.hashCode() * 31 + (this.error ? 1 : 0);
	}

	@Override
	public String toString() {
		return (this.error ? "error " : "result ") + this.json;
	}

}
