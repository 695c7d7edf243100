package dev.resilientrpc.checkpoint;

/**
 * When a mutating call is acknowledged relative to its command log entry.
 */
public enum Durability {

	/**
	 * The entry is queued and the call runs and is answered without waiting for Redis:
	 * fastest, but the last acknowledged calls are lost if the process dies before they
	 * were written (a checkpoint taken later still captures their effect).
	 */
	ASYNC,

	/**
	 * The entry is written to Redis before the call runs, so an acknowledged call is
	 * never lost while Redis keeps its data.
	 */
	SYNC,

	/**
	 * As {@link #SYNC}, and Redis {@code WAIT} confirms that the configured number of
	 * replicas received the entry, so an acknowledged call also survives a failover.
	 */
	REPLICATED

}
