package dev.resilientrpc.sample.node;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.sample.KvApi;
import dev.resilientrpc.slot.PartitionedState;

/**
 * One node of the key-value store, exported as service {@code kv}. Its entries live in a
 * {@link PartitionedState}: its own keys, checkpointed to Redis, and while another node
 * is down, a replica of that node's entries that the starter builds and switches to for
 * the calls of that node's keys.
 */
@RpcService("kv")
public class KvNode implements KvApi {

	private final PartitionedState<CheckpointedMap<String, String>> state;

	/**
	 * Create a node.
	 * @param state the entries
	 */
	public KvNode(PartitionedState<CheckpointedMap<String, String>> state) {
		this.state = state;
	}

	@Override
	public @Nullable String put(String key, String value) {
		return this.state.current().put(key, value);
	}

	@Override
	public @Nullable String get(String key) {
		return this.state.current().get(key);
	}

	@Override
	public boolean delete(String key) {
		return this.state.current().remove(key) != null;
	}

	@Override
	public String append(String key, String suffix) {
		String value = this.state.current().merge(key, suffix, (old, added) -> old + "," + added);
		// merge gives null only when the function does, and this one never does
		return Objects.requireNonNull(value);
	}

	/**
	 * Return how many keys the slots this node holds now have.
	 * @return the number of keys
	 */
	public int size() {
		return this.state.held().values().stream().mapToInt(CheckpointedMap::size).sum();
	}

}
