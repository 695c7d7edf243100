package dev.resilientrpc.checkpoint;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a checkpoint cannot be written or the state cannot be restored.
 */
public class CheckpointException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message the message
	 * @param cause the cause, or {@code null}
	 */
	public CheckpointException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
