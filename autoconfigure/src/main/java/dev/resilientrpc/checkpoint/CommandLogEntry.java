package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.Nullable;

/**
 * A logged call to a {@link dev.resilientrpc.annotation.Mutating @Mutating} method.
 *
 * @param id the entry's id in the log ({@code <millis>-<sequence>}), or {@code null}
 * before it is appended
 * @param idempotencyKey the call's idempotency key
 * @param timestamp the call's hybrid-logical-clock timestamp
 * @param method the JSON-RPC method name
 * @param params the bound params as a JSON array
 */
public record CommandLogEntry(@Nullable String id, String idempotencyKey, long timestamp, String method,
		String params) {

	/**
	 * Return a copy with the given id.
	 * @param id the id
	 * @return the entry with that id
	 */
	public CommandLogEntry withId(String id) {
		return new CommandLogEntry(id, this.idempotencyKey, this.timestamp, this.method, this.params);
	}

}
