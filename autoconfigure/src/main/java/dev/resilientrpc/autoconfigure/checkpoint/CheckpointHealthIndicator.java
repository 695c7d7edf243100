package dev.resilientrpc.autoconfigure.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports DOWN when a checkpoint failed the configured number of times in a row, or when
 * another process took over a checkpoint (this one is fenced off and refuses mutating
 * calls).
 */
public final class CheckpointHealthIndicator implements HealthIndicator {

	private final CheckpointManager manager;

	private final int failureThreshold;

	CheckpointHealthIndicator(CheckpointManager manager, int failureThreshold) {
		this.manager = manager;
		this.failureThreshold = failureThreshold;
	}

	@Override
	public Health health() {
		boolean down = false;
		Map<String, Object> details = new LinkedHashMap<>();
		for (CheckpointStatus status : this.manager.getStatuses()) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("epoch", status.epoch());
			detail.put("lastCheckpointId", status.lastCheckpointId());
			detail.put("lastCheckpointAt", status.lastCheckpointAt());
			detail.put("consecutiveFailures", status.consecutiveFailures());
			detail.put("logLength", status.logLength());
			if (status.lastFailure() != null && status.consecutiveFailures() > 0) {
				detail.put("lastFailure", status.lastFailure());
			}
			if (status.fenced()) {
				detail.put("fenced", true);
				down = true;
			}
			if (status.consecutiveFailures() >= this.failureThreshold) {
				down = true;
			}
			details.put(status.name(), detail);
		}
		return (down ? Health.down() : Health.up()).withDetails(details).build();
	}

}
