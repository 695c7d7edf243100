package dev.resilientrpc.checkpoint;

/**
 * The partition a call runs against, and how to resync it: set as the call's
 * {@link #ATTRIBUTE} by whatever routed the call to it (the slot a key belongs to), or
 * found by the checkpoint name of a
 * {@link dev.resilientrpc.annotation.Mutating @Mutating} method (a node's own state).
 *
 * @param partition the partition
 * @param resyncer resyncs it with a newer epoch when an append's outcome is unknown
 */
public record PartitionBinding(Partition partition, PartitionScheduler.Resyncer resyncer) {

	/**
	 * Attribute of a {@link dev.resilientrpc.server.ServerCall} routed to a partition.
	 */
	public static final String ATTRIBUTE = PartitionBinding.class.getName();

}
