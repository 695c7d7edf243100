package dev.resilientrpc.checkpoint;

/**
 * What the owner of a {@link Partition} (the checkpoint manager for a node's own state,
 * the slot table for slots) hears from its command log.
 */
public interface PartitionListener {

	/**
	 * Another process holds a newer epoch: the partition no longer serves.
	 * @param partition the partition
	 * @param ex what said so
	 */
	void fenced(Partition partition, CheckpointFencedException ex);

	/**
	 * An append's outcome is unknown: the partition serves nothing until it resyncs.
	 * @param partition the partition
	 * @param cause what happened
	 */
	void resyncNeeded(Partition partition, Throwable cause);

	/**
	 * A checkpoint should be written soon: calls could not be logged, or Redis lost data.
	 * @param partition the partition
	 */
	void checkpointNeeded(Partition partition);

}
