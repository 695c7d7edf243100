package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What is known about one checkpoint, for health, metrics and the Actuator endpoint.
 *
 * @param name the checkpoint name
 * @param storeName the name under which it is stored (with the node id)
 * @param epoch the epoch this process holds
 * @param fenced whether another process acquired a newer epoch, so this one no longer
 * writes
 * @param lastCheckpointId the id of the last checkpoint written or restored, or
 * {@code null}
 * @param lastCheckpointAt when the last successful checkpoint was taken, or {@code null}
 * @param lastCheckpointSize the stored size of the last checkpoint in bytes
 * @param lastCheckpointDuration how long writing the last checkpoint took
 * @param consecutiveFailures how many checkpoints failed since the last success
 * @param failures how many checkpoints failed in total
 * @param checkpoints how many checkpoints were written in total
 * @param lastFailure the message of the last failure, or {@code null}
 * @param logLength how many entries the command log holds (as last seen)
 * @param corruptCheckpointsSkipped how many corrupt checkpoints were skipped on restore
 * @param replayedCalls how many logged calls were replayed on restore
 * @param skippedCalls how many logged calls were skipped on restore as already applied
 * @param restoreDuration how long the restore took, replay included
 * @param replayDuration how long the replay took
 * @param rememberedCalls how many idempotency keys of applied calls are remembered
 */
public record CheckpointStatus(String name, String storeName, long epoch, boolean fenced,
		@Nullable Long lastCheckpointId, @Nullable Instant lastCheckpointAt, long lastCheckpointSize,
		Duration lastCheckpointDuration, int consecutiveFailures, long failures, long checkpoints,
		@Nullable String lastFailure, long logLength, int corruptCheckpointsSkipped, long replayedCalls,
		long skippedCalls, Duration restoreDuration, Duration replayDuration, int rememberedCalls) {

}
