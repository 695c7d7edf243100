package dev.resilientrpc.server;

import java.nio.charset.StandardCharsets;

/**
 * A result that is already JSON. A {@link ServerInterceptor} returns one to answer a call
 * with exactly these bytes as the {@code result} member, for example to replay the stored
 * outcome of an earlier attempt of the same call; the server writes it as it is instead
 * of serializing it. Interceptors further out in the chain see this object instead of the
 * method's return value.
 */
public final class SerializedResult {

	private final byte[] json;

	private SerializedResult(byte[] json) {
		this.json = json;
	}

	/**
	 * Wrap a JSON value.
	 * @param json one JSON value in UTF-8; the caller vouches that it is valid JSON
	 * @return the result
	 */
	public static SerializedResult of(byte[] json) {
		if (json.length == 0) {
			throw new IllegalArgumentException("json: empty (expected: one JSON value)");
		}
		return new SerializedResult(json);
	}

	/**
	 * Return the JSON value; the array is shared, not copied.
	 * @return the JSON value in UTF-8
	 */
	public byte[] json() {
		return this.json;
	}

	@Override
	public String toString() {
		return new String(this.json, StandardCharsets.UTF_8);
	}

}
