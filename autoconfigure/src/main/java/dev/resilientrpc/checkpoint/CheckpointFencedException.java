package dev.resilientrpc.checkpoint;

/**
 * Thrown when a write to a checkpoint or its command log is refused because another
 * process acquired a newer epoch for the same checkpoint: this process has been replaced
 * and must not change the stored state any more.
 */
public class CheckpointFencedException extends RuntimeException {

	private final long epoch;

	private final long currentEpoch;

	/**
	 * Create a new instance.
	 * @param name the checkpoint name
	 * @param epoch the epoch of the refused writer
	 * @param currentEpoch the newest epoch
	 */
	public CheckpointFencedException(String name, long epoch, long currentEpoch) {
		super("Write to checkpoint '" + name + "' with epoch " + epoch + " refused: epoch " + currentEpoch
				+ " has been acquired by another process");
		this.epoch = epoch;
		this.currentEpoch = currentEpoch;
	}

	/**
	 * Return the epoch of the refused writer.
	 * @return the epoch
	 */
	public long getEpoch() {
		return this.epoch;
	}

	/**
	 * Return the newest epoch.
	 * @return the current epoch
	 */
	public long getCurrentEpoch() {
		return this.currentEpoch;
	}

}
