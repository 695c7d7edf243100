package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;

/**
 * A copy of another node's checkpointed state, served by this node while that node is
 * down: built from the other node's latest checkpoint and command log, kept current by
 * reading the log's tail, and changed only by calls that are first appended to the other
 * node's log ("hinted writes"), so that the other node replays them when it restores.
 *
 * <p>
 * The replica writes with an epoch its caller acquired for the other node's checkpoint;
 * once that node comes back it acquires a newer one, and the replica's next
 * {@link #append append} is refused with a {@link CheckpointFencedException}: the replica
 * must then be dropped. A replica never writes checkpoints.
 *
 * <p>
 * Not thread-safe: the caller serialises the calls on one replica.
 */
public final class PartitionReplica {

	private static final Log logger = LogFactory.getLog(PartitionReplica.class);

	private static final int LOG_PAGE = 1000;

	private final CheckpointStore store;

	private final String storeName;

	private final long epoch;

	private final Checkpointable target;

	private final AppliedCalls applied;

	private String cursor;

	private PartitionReplica(CheckpointStore store, String storeName, long epoch, Checkpointable target,
			int rememberedCalls) {
		this.store = store;
		this.storeName = storeName;
		this.epoch = epoch;
		this.target = target;
		this.applied = new AppliedCalls(rememberedCalls);
		this.cursor = StreamIds.ZERO;
	}

	/**
	 * Build a replica: restore the newest checkpoint whose checksum holds into the given
	 * target and replay the command log after it.
	 * @param store the store holding the other node's checkpoints
	 * @param storeName the store name of the other node's checkpoint
	 * ({@code <node-id>/<name>})
	 * @param epoch the epoch the caller acquired for it, used for every append
	 * @param target a fresh, empty state of the same kind
	 * @param rememberedCalls how many idempotency keys to remember
	 * @param replayer runs a logged call against {@code target}
	 * @return the replica
	 * @throws CheckpointException if no usable checkpoint exists although some were
	 * published, or the state cannot be restored
	 */
	public static PartitionReplica load(CheckpointStore store, String storeName, long epoch, Checkpointable target,
			int rememberedCalls, CommandReplayer replayer) {
		PartitionReplica replica = new PartitionReplica(store, storeName, epoch, target, rememberedCalls);
		replica.restore();
		replica.catchUp(replayer);
		return replica;
	}

	private void restore() {
		List<CheckpointManifest> manifests = this.store.list(this.storeName);
		for (CheckpointManifest manifest : manifests) {
			CheckpointFormat.Contents contents;
			try {
				contents = CheckpointFormat.read(manifest,
						new ArrayList<>(this.store.readChunks(this.storeName, manifest.id(), 0, manifest.chunks())));
			}
			catch (CheckpointFormat.CorruptCheckpointException ex) {
				logger.error("CORRUPT CHECKPOINT: checkpoint " + manifest.id() + " of '" + this.storeName
						+ "' fails verification (" + ex.getMessage() + "); the replica falls back to the previous one");
				continue;
			}
			this.applied.replaceWith(contents.calls());
			try {
				this.target.restore(contents.state());
			}
			catch (IOException | RuntimeException ex) {
				throw new CheckpointException("Checkpoint " + manifest.id() + " of '" + this.storeName
						+ "' passed its checksum but " + this.target + " could not restore it", ex);
			}
			this.cursor = manifest.logCursor();
			return;
		}
		if (!manifests.isEmpty()) {
			throw new CheckpointException("None of the " + manifests.size() + " checkpoints of '" + this.storeName
					+ "' is usable: refusing to serve a replica with incomplete state", null);
		}
	}

	/**
	 * Apply the calls appended to the other node's log since this replica last read it
	 * (by other successors, or by the node itself before it went down), in timestamp
	 * order, skipping those already applied.
	 * @param replayer runs a logged call against the replica's state
	 * @return how many calls were applied
	 */
	public int catchUp(CommandReplayer replayer) {
		List<CommandLogEntry> tail = new ArrayList<>();
		String after = this.cursor;
		while (true) {
			List<CommandLogEntry> page = this.store.readLog(this.storeName, after, LOG_PAGE);
			tail.addAll(page);
			if (page.size() < LOG_PAGE) {
				break;
			}
			after = String.valueOf(page.get(page.size() - 1).id());
		}
		tail.sort(Comparator.comparingLong(CommandLogEntry::timestamp)
			.thenComparing(CommandLogEntry::id, (a, b) -> StreamIds.compare(String.valueOf(a), String.valueOf(b))));
		int count = 0;
		for (CommandLogEntry entry : tail) {
			this.cursor = StreamIds.max(this.cursor, String.valueOf(entry.id()));
			if (this.applied.contains(entry.idempotencyKey())) {
				continue;
			}
			try {
				this.applied.complete(entry.idempotencyKey(), entry.timestamp(),
						replayer.replay(entry.method(), entry.params()));
			}
			catch (RpcErrorException ex) {
				if (ex.getCode() == RpcErrorCodes.METHOD_NOT_FOUND || ex.getCode() == RpcErrorCodes.INVALID_PARAMS) {
					throw new CheckpointException("Logged call " + entry.id() + " to '" + entry.method() + "' of '"
							+ this.storeName + "' cannot be replayed: " + ex.getMessage(), ex);
				}
			}
			catch (Exception ex) {
				// it failed when it was first called too: replaying its failure changes
				// nothing
				if (logger.isDebugEnabled()) {
					logger.debug("Replayed call " + entry.id() + " of '" + this.storeName + "' threw again", ex);
				}
			}
			count++;
		}
		return count;
	}

	/**
	 * Return what the replica remembers of a call.
	 * @param idempotencyKey the call's idempotency key
	 * @return {@code null} if the call has not been applied, else its remembered result
	 */
	public @Nullable Remembered remembered(String idempotencyKey) {
		AppliedCalls.Entry entry = this.applied.begin(idempotencyKey);
		if (entry == null) {
			this.applied.abort(idempotencyKey);
			return null;
		}
		return AppliedCalls.isInFlight(entry) ? null : new Remembered(entry.result());
	}

	/**
	 * Append a call to the other node's command log with this replica's epoch, and wait
	 * until Redis has it (and, with {@code replicas > 0}, its replicas).
	 * @param entry the call
	 * @param replicas replicas that must acknowledge the append, 0 for none
	 * @param replicationTimeout how long to wait for them
	 * @throws CheckpointFencedException if the other node (or another successor) acquired
	 * a newer epoch: drop this replica
	 * @throws CheckpointException if the replicas did not acknowledge in time
	 */
	public void append(CommandLogEntry entry, int replicas, Duration replicationTimeout) {
		CheckpointStore.AppendResult result = this.store.append(this.storeName, this.epoch, List.of(entry));
		if (result.epochWasLost()) {
			logger.error("REDIS LOST DATA: the epoch of '" + this.storeName + "' was missing when a hinted write was "
					+ "logged; the other node's acknowledged state may be lost");
		}
		if (replicas > 0) {
			int acknowledged = this.store.awaitReplicas(this.storeName, replicas, replicationTimeout);
			if (acknowledged < replicas) {
				throw new CheckpointException(acknowledged + " of " + replicas + " replicas acknowledged the hinted "
						+ "write to '" + this.storeName + "' within " + replicationTimeout, null);
			}
		}
	}

	/**
	 * Remember a call that ran against the replica after its {@link #append append}.
	 * @param idempotencyKey the call's idempotency key
	 * @param timestamp the call's timestamp
	 * @param result its result as JSON, or {@code null}
	 */
	public void remember(String idempotencyKey, long timestamp, byte @Nullable [] result) {
		this.applied.complete(idempotencyKey, timestamp, result);
	}

	/**
	 * Return the state the replica serves.
	 * @return the state
	 */
	public Checkpointable getTarget() {
		return this.target;
	}

	/**
	 * Return the epoch the replica writes with.
	 * @return the epoch
	 */
	public long getEpoch() {
		return this.epoch;
	}

	/**
	 * Return the store name of the other node's checkpoint.
	 * @return the store name
	 */
	public String getStoreName() {
		return this.storeName;
	}

	@Override
	public String toString() {
		return "PartitionReplica of '" + this.storeName + "' (epoch " + this.epoch + ", log cursor " + this.cursor
				+ ")";
	}

	/**
	 * The remembered outcome of a call the replica already applied.
	 *
	 * @param result its result as JSON, or {@code null} if it returned nothing
	 */
	public record Remembered(byte @Nullable [] result) {

	}

}
