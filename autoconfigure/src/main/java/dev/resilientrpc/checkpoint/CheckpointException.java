package dev.resilientrpc.checkpoint;

/**
 * Thrown when a checkpoint cannot be written or the state cannot be restored.
 */
public class CheckpointException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message the message
	 * @param cause the cause, or {@code null}
	 */
	public CheckpointException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
		super(message, cause);
	}

}
