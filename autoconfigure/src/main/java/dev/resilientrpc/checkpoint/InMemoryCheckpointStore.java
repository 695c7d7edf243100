package dev.resilientrpc.checkpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A {@link CheckpointStore} in the memory of this process, for tests and single-node
 * development: nothing survives a restart, which it says with a warning when created. It
 * applies the same fencing, retention and trimming rules as {@link RedisCheckpointStore}.
 * The warning is logged when the first epoch is acquired, that is when a checkpoint is
 * actually kept here.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

	private static final Log logger = LogFactory.getLog(InMemoryCheckpointStore.class);

	private final Map<String, Checkpoints> checkpoints = new HashMap<>();

	private long lastLogMillis;

	private long lastLogSequence;

	private boolean warned;

	private Checkpoints of(String name) {
		return this.checkpoints.computeIfAbsent(name, (key) -> new Checkpoints());
	}

	@Override
	public synchronized long acquireEpoch(String name) {
		if (!this.warned) {
			this.warned = true;
			logger.warn("Checkpoints and command logs are kept in memory only: nothing survives a restart. "
					+ "Configure Spring Data Redis (spring.data.redis.*) to keep them in Redis.");
		}
		return ++of(name).epoch;
	}

	@Override
	public synchronized long nextCheckpointId(String name) {
		return ++of(name).sequence;
	}

	@Override
	public synchronized void writeChunks(String name, long checkpointId, int firstIndex, List<byte[]> chunks) {
		Map<Integer, byte[]> stored = of(name).chunks.computeIfAbsent(checkpointId, (id) -> new HashMap<>());
		for (int i = 0; i < chunks.size(); i++) {
			stored.put(firstIndex + i, chunks.get(i).clone());
		}
	}

	@Override
	public synchronized PublishResult publish(String name, long epoch, CheckpointManifest manifest, int keep) {
		Checkpoints state = of(name);
		fence(name, state, epoch);
		if (!state.published.isEmpty() && state.published.get(0).id() >= manifest.id()) {
			throw new IllegalStateException("Checkpoint " + manifest.id() + " of '" + name
					+ "' is older than the published checkpoint " + state.published.get(0).id());
		}
		Map<Integer, byte[]> chunks = state.chunks.getOrDefault(manifest.id(), Map.of());
		for (int i = 0; i < manifest.chunks(); i++) {
			if (!chunks.containsKey(i)) {
				throw new IllegalStateException(
						"Chunk " + i + " of checkpoint " + manifest.id() + " of '" + name + "' is missing");
			}
		}
		state.published.add(0, manifest);
		while (state.published.size() > keep) {
			CheckpointManifest dropped = state.published.remove(state.published.size() - 1);
			state.chunks.remove(dropped.id());
		}
		String oldestCursor = state.published.get(state.published.size() - 1).logCursor();
		long trimmed = 0;
		while (!state.log.isEmpty() && StreamIds.compare(state.log.firstKey(), oldestCursor) <= 0) {
			state.log.pollFirstEntry();
			trimmed++;
		}
		return new PublishResult(trimmed, false);
	}

	private static void fence(String name, Checkpoints state, long epoch) {
		if (state.epoch > epoch) {
			throw new CheckpointFencedException(name, epoch, state.epoch);
		}
		// as in Redis: a writer's epoch is never below the stored one after it wrote
		state.epoch = epoch;
	}

	@Override
	public synchronized void discard(String name, long checkpointId, int chunks) {
		of(name).chunks.remove(checkpointId);
	}

	@Override
	public synchronized List<CheckpointManifest> list(String name) {
		return List.copyOf(of(name).published);
	}

	@Override
	public synchronized List<byte[]> readChunks(String name, long checkpointId, int firstIndex, int count) {
		Map<Integer, byte[]> chunks = of(name).chunks.getOrDefault(checkpointId, Map.of());
		List<byte[]> result = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			byte[] chunk = chunks.get(firstIndex + i);
			result.add((chunk != null) ? chunk.clone() : null);
		}
		return result;
	}

	@Override
	public synchronized AppendResult append(String name, long epoch, List<CommandLogEntry> entries) {
		Checkpoints state = of(name);
		fence(name, state, epoch);
		List<String> ids = new ArrayList<>(entries.size());
		for (CommandLogEntry entry : entries) {
			String id = nextLogId();
			state.log.put(id, entry.withId(id));
			ids.add(id);
		}
		return new AppendResult(ids, false);
	}

	private String nextLogId() {
		long now = System.currentTimeMillis();
		if (now > this.lastLogMillis) {
			this.lastLogMillis = now;
			this.lastLogSequence = 0;
		}
		else {
			this.lastLogSequence++;
		}
		return this.lastLogMillis + "-" + this.lastLogSequence;
	}

	@Override
	public int awaitReplicas(String name, int replicas, Duration timeout) {
		return 0;
	}

	@Override
	public synchronized List<CommandLogEntry> readLog(String name, String afterId, int limit) {
		List<CommandLogEntry> entries = new ArrayList<>();
		for (CommandLogEntry entry : of(name).log.values()) {
			if (entries.size() == limit) {
				break;
			}
			String id = entry.id();
			if (id != null && StreamIds.compare(id, afterId) > 0) {
				entries.add(entry);
			}
		}
		return entries;
	}

	@Override
	public synchronized long logLength(String name) {
		return of(name).log.size();
	}

	private static final class Checkpoints {

		private long epoch;

		private long sequence;

		private final List<CheckpointManifest> published = new ArrayList<>();

		private final Map<Long, Map<Integer, byte[]>> chunks = new HashMap<>();

		private final TreeMap<String, CommandLogEntry> log = new TreeMap<>(StreamIds::compare);

	}

}
