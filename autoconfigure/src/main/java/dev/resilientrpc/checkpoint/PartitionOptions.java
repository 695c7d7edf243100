package dev.resilientrpc.checkpoint;

import java.time.Duration;

/**
 * How partitions are logged and checkpointed; the same for a node's own state and for the
 * slots it holds.
 *
 * @param durability when a log append counts as done
 * @param replicas replicas that must acknowledge an append with
 * {@link Durability#REPLICATED}
 * @param replicationTimeout how long to wait for them
 * @param logTimeout how long a mutating call waits for its log append
 * @param interval time between scheduled checkpoints of a changed state
 * @param keep how many checkpoints are kept per partition
 * @param compression the compression of checkpoints
 * @param chunkSize the size of a checkpoint chunk
 * @param retryBackoff the delay before the first retry of a failed checkpoint or resync
 */
public record PartitionOptions(Durability durability, int replicas, Duration replicationTimeout, Duration logTimeout,
		Duration interval, int keep, Compression compression, int chunkSize, Duration retryBackoff) {

	/**
	 * Check the options.
	 */
	public PartitionOptions {
		if (replicas < 1) {
			throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 1)");
		}
		if (keep < 1) {
			throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
		}
		if (chunkSize < 1024 || chunkSize > 512 * 1024 * 1024) {
			throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: 1 KiB to 512 MiB)");
		}
		positive("replicationTimeout", replicationTimeout);
		positive("logTimeout", logTimeout);
		positive("interval", interval);
		positive("retryBackoff", retryBackoff);
	}

	/**
	 * Return the replicas a write must reach before it counts, 0 unless durability is
	 * {@link Durability#REPLICATED}.
	 * @return the replicas to wait for
	 */
	public int requiredReplicas() {
		return (this.durability == Durability.REPLICATED) ? this.replicas : 0;
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
		}
	}

}
