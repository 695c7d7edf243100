package dev.resilientrpc.annotation;

/**
 * What the server does with a stale call: one whose timestamp is not above the high-water
 * mark of its ordering key and that is not a retry of a call already known.
 */
public enum StalePolicy {

	/**
	 * Refuse the call with error {@code -32001}; the caller learns that a later call on
	 * the same key got there first. The safe choice for every kind of method.
	 */
	REJECT,

	/**
	 * Acknowledge the call without executing it (the Thomas write rule): a later write on
	 * the same key has already overwritten whatever this one would have written. Only for
	 * last-writer-wins writes that return nothing; the caller gets {@code null}.
	 */
	IGNORE

}
