package dev.resilientrpc.server;

/**
 * Measures how deeply a JSON document nests arrays and objects, by one pass over its
 * bytes and before it is parsed, so that a hostile document cannot make the parser
 * recurse deeply.
 */
final class JsonNesting {

	private JsonNesting() {
	}

	/**
	 * Whether the document nests arrays and objects deeper than {@code maxDepth}.
	 * Brackets inside strings do not count. Malformed documents are left to the parser.
	 * @param json the document in UTF-8 (or any ASCII-compatible encoding)
	 * @param length how many bytes of {@code json} to read
	 * @param maxDepth the deepest nesting allowed
	 * @return whether the document is nested too deeply
	 */
	static boolean exceeds(byte[] json, int length, int maxDepth) {
		int depth = 0;
		boolean inString = false;
		for (int i = 0; i < length; i++) {
			byte b = json[i];
			if (inString) {
				if (b == '\\') {
					i++;
				}
				else if (b == '"') {
					inString = false;
				}
			}
			else if (b == '"') {
				inString = true;
			}
			else if (b == '{' || b == '[') {
				if (++depth > maxDepth) {
					return true;
				}
			}
			else if (b == '}' || b == ']') {
				depth--;
			}
		}
		return false;
	}

}
