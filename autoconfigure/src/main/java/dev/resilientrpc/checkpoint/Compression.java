package dev.resilientrpc.checkpoint;

/**
 * How checkpoint data is compressed before it is written.
 */
public enum Compression {

	/**
	 * Not compressed: fastest, for states that do not compress well.
	 */
	NONE(0),

	/**
	 * JDK {@link java.util.zip.Deflater} at its fastest level.
	 */
	DEFLATE(1);

	private final int id;

	Compression(int id) {
		this.id = id;
	}

	int id() {
		return this.id;
	}

	static Compression ofId(int id) {
		for (Compression compression : values()) {
			if (compression.id == id) {
				return compression;
			}
		}
		throw new IllegalArgumentException("Unknown compression id " + id);
	}

}
