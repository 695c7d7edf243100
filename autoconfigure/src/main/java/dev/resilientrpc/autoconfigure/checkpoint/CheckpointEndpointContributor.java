package dev.resilientrpc.autoconfigure.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointContributor;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointStatus;

/**
 * The {@code checkpoints} part of the {@code resilientrpc} endpoint: the status of every
 * checkpoint (epoch, age, size, log length, failures), and an action, {@code POST
 * /actuator/resilientrpc/checkpoints/{name}}, that takes one now.
 */
public class CheckpointEndpointContributor implements ResilientRpcEndpointContributor {

	private final CheckpointManager manager;

	/**
	 * Create a new contributor.
	 * @param manager the checkpoints
	 */
	public CheckpointEndpointContributor(CheckpointManager manager) {
		this.manager = manager;
	}

	@Override
	public String getName() {
		return "checkpoints";
	}

	/**
	 * Return the status of every checkpoint.
	 * @return the statuses by checkpoint name
	 */
	@Override
	public Map<String, CheckpointStatus> describe() {
		Map<String, CheckpointStatus> statuses = new LinkedHashMap<>();
		for (CheckpointStatus status : this.manager.getStatuses()) {
			statuses.put(status.name(), status);
		}
		return statuses;
	}

	/**
	 * Take a checkpoint now.
	 * @param name the checkpoint name
	 * @return the status after the checkpoint, or {@code null} if there is no checkpoint
	 * of that name
	 */
	@Override
	public @Nullable CheckpointStatus act(String name) {
		return this.manager.getCheckpointNames().contains(name) ? this.manager.checkpoint(name) : null;
	}

}
