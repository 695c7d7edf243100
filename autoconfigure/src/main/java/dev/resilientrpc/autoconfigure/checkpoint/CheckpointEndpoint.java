package dev.resilientrpc.autoconfigure.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointStatus;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code checkpoints} Actuator endpoint: the status of every checkpoint, and a write
 * operation ({@code POST /actuator/checkpoints/<name>}) that takes a checkpoint now.
 */
@Endpoint(id = "checkpoints")
public class CheckpointEndpoint {

	private final CheckpointManager manager;

	/**
	 * Create a new endpoint.
	 * @param manager the checkpoints
	 */
	public CheckpointEndpoint(CheckpointManager manager) {
		this.manager = manager;
	}

	/**
	 * Return the status of every checkpoint.
	 * @return the statuses by checkpoint name
	 */
	@ReadOperation
	public Map<String, CheckpointStatus> checkpoints() {
		Map<String, CheckpointStatus> statuses = new LinkedHashMap<>();
		for (CheckpointStatus status : this.manager.getStatuses()) {
			statuses.put(status.name(), status);
		}
		return statuses;
	}

	/**
	 * Return the status of one checkpoint.
	 * @param name the checkpoint name
	 * @return the status
	 */
	@ReadOperation
	public CheckpointStatus checkpoint(@Selector String name) {
		return this.manager.getStatus(name);
	}

	/**
	 * Take a checkpoint now.
	 * @param name the checkpoint name
	 * @return the status after the checkpoint
	 */
	@WriteOperation
	public CheckpointStatus checkpointNow(@Selector String name) {
		return this.manager.checkpoint(name);
	}

}
