package dev.resilientrpc.checkpoint;

/**
 * Helpers for command log entry ids, {@code <millis>-<sequence>} as Redis Streams assign
 * them.
 */
final class StreamIds {

	static final String ZERO = "0-0";

	private StreamIds() {
	}

	static int compare(String a, String b) {
		int da = a.indexOf('-');
		int db = b.indexOf('-');
		int result = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
		return (result != 0) ? result
				: Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
	}

	static String max(String a, String b) {
		return (compare(a, b) >= 0) ? a : b;
	}

}
