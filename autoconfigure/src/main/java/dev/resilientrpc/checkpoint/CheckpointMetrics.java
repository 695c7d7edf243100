package dev.resilientrpc.checkpoint;

import java.time.Instant;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.observation.ResilientRpcMeters;

/**
 * Micrometer metrics of every checkpoint, tagged with {@code checkpoint=<name>}:
 * <ul>
 * <li>{@code resilientrpc.checkpoint.age} (seconds since the last successful checkpoint
 * was taken, restored ones included; NaN before the first)</li>
 * <li>{@code resilientrpc.checkpoint.size} (bytes of the last checkpoint)</li>
 * <li>{@code resilientrpc.checkpoint.duration} (seconds the last checkpoint took)</li>
 * <li>{@code resilientrpc.checkpoint.failures.consecutive}</li>
 * <li>{@code resilientrpc.checkpoint.written} and {@code resilientrpc.checkpoint.failed}
 * (counters)</li>
 * <li>{@code resilientrpc.checkpoint.log.length} (entries in the command log)</li>
 * <li>{@code resilientrpc.checkpoint.replay.duration} (seconds the replay on startup
 * took) and {@code resilientrpc.checkpoint.replay.calls}</li>
 * </ul>
 */
public final class CheckpointMetrics implements MeterBinder {

	private final CheckpointManager manager;

	/**
	 * Create the metrics of the given manager's checkpoints.
	 * @param manager the manager
	 */
	public CheckpointMetrics(CheckpointManager manager) {
		this.manager = manager;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String name : this.manager.getCheckpointNames()) {
			gauge(registry, name, "age", "seconds", "Time since the last successful checkpoint was taken", (status) -> {
				Instant at = status.lastCheckpointAt();
				return (at != null) ? (System.currentTimeMillis() - at.toEpochMilli()) / 1000.0 : Double.NaN;
			});
			gauge(registry, name, "size", "bytes", "Stored size of the last checkpoint",
					CheckpointStatus::lastCheckpointSize);
			gauge(registry, name, "duration", "seconds", "Time the last checkpoint took to write",
					(status) -> status.lastCheckpointDuration().toNanos() / 1e9);
			gauge(registry, name, "failures.consecutive", null, "Checkpoints failed since the last success",
					CheckpointStatus::consecutiveFailures);
			gauge(registry, name, "log.length", null, "Entries in the command log", CheckpointStatus::logLength);
			gauge(registry, name, "replay.duration", "seconds", "Time the replay of the command log took on startup",
					(status) -> status.replayDuration().toNanos() / 1e9);
			gauge(registry, name, "replay.calls", null, "Logged calls replayed on startup",
					CheckpointStatus::replayedCalls);
			FunctionCounter
				.builder(ResilientRpcMeters.CHECKPOINT + "written", this.manager,
						(manager) -> manager.getStatus(name).checkpoints())
				.tag("checkpoint", name)
				.description("Checkpoints written")
				.register(registry);
			FunctionCounter
				.builder(ResilientRpcMeters.CHECKPOINT + "failed", this.manager,
						(manager) -> manager.getStatus(name).failures())
				.tag("checkpoint", name)
				.description("Checkpoints that failed")
				.register(registry);
		}
	}

	private void gauge(MeterRegistry registry, String name, String suffix, @Nullable String unit, String description,
			ToDoubleFunction<CheckpointStatus> value) {
		Gauge.Builder<CheckpointManager> builder = Gauge
			.builder(ResilientRpcMeters.CHECKPOINT + suffix, this.manager,
					(manager) -> value.applyAsDouble(manager.getStatus(name)))
			.tag("checkpoint", name)
			.description(description);
		if (unit != null) {
			builder.baseUnit(unit);
		}
		builder.register(registry);
	}

}
