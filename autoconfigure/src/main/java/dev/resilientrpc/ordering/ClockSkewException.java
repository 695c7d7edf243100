package dev.resilientrpc.ordering;

/**
 * Thrown when a received timestamp lies too far ahead of the local physical clock to be
 * accepted.
 */
public class ClockSkewException extends RuntimeException {

	private final long timestamp;

	private final long physicalMillis;

	private final long maxSkewMillis;

	/**
	 * Create a new instance.
	 * @param timestamp the refused timestamp
	 * @param physicalMillis the local physical time when it was refused
	 * @param maxSkewMillis the largest skew allowed
	 */
	public ClockSkewException(long timestamp, long physicalMillis, long maxSkewMillis) {
		super("Timestamp " + timestamp + " is " + (HybridLogicalClock.physicalMillis(timestamp) - physicalMillis)
				+ " ms ahead of the local clock (at most " + maxSkewMillis + " ms allowed)");
		this.timestamp = timestamp;
		this.physicalMillis = physicalMillis;
		this.maxSkewMillis = maxSkewMillis;
	}

	/**
	 * Return the refused timestamp.
	 * @return the timestamp
	 */
	public long getTimestamp() {
		return this.timestamp;
	}

	/**
	 * Return the local physical time when the timestamp was refused.
	 * @return milliseconds since the epoch
	 */
	public long getPhysicalMillis() {
		return this.physicalMillis;
	}

	/**
	 * Return how far ahead of the local clock the timestamp was.
	 * @return the skew in milliseconds
	 */
	public long getAheadMillis() {
		return HybridLogicalClock.physicalMillis(this.timestamp) - this.physicalMillis;
	}

	/**
	 * Return the largest skew allowed.
	 * @return the maximum skew in milliseconds
	 */
	public long getMaxSkewMillis() {
		return this.maxSkewMillis;
	}

}
