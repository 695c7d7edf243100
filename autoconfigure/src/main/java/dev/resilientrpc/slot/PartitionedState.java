package dev.resilientrpc.slot;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

import dev.resilientrpc.checkpoint.Checkpointable;

/**
 * Checkpointed state split into slots by key: each key belongs to one of a fixed number
 * of slots, and each slot is its own {@link Checkpointable} with its own checkpoints,
 * command log and epoch, held by one node at a time. A node serves the slots it holds; a
 * call for another slot is forwarded to the node that holds it. When a node dies, joins,
 * leaves or comes back, slots move between nodes with their state: the node that takes a
 * slot loads its newest checkpoint and the log after it, whatever the reason it takes it.
 *
 * <p>
 * Service code reads and writes {@link #current()}: the state of the slot the current
 * call's key belongs to.
 *
 * <pre class="code">
 * &#64;Bean
 * PartitionedState&lt;CheckpointedMap&lt;String, String&gt;&gt; kvState() {
 *     return new PartitionedState&lt;&gt;(() -&gt; new CheckpointedMap&lt;&gt;("kv", String.class, String.class));
 * }
 *
 * &#64;RpcService("kv")
 * class KvNode implements KvApi {
 *     public String put(&#64;RoutingKey String key, String value) { return this.state.current().put(key, value); }
 * }
 * </pre>
 *
 * <p>
 * The checkpoint name of the states the factory makes must be the name of the service
 * whose calls it serves.
 *
 * @param <T> the type of the state of one slot
 */
public class PartitionedState<T extends Checkpointable> {

	private final Supplier<? extends T> factory;

	private final String name;

	private final Class<?> type;

	private final ThreadLocal<T> bound = new ThreadLocal<>();

	private final Map<Integer, T> held = new ConcurrentSkipListMap<>();

	/**
	 * Create a partitioned state.
	 * @param factory creates the empty state of one slot; every state it creates must
	 * have the same checkpoint name
	 */
	public PartitionedState(Supplier<? extends T> factory) {
		this.factory = factory;
		T probe = Objects.requireNonNull(factory.get(), "factory returned null");
		this.name = probe.getCheckpointName();
		this.type = probe.getClass();
	}

	/**
	 * Return the state of the slot the current call belongs to.
	 * @return the state
	 * @throws IllegalStateException outside a call routed to a slot
	 */
	public T current() {
		T state = this.bound.get();
		if (state == null) {
			throw new IllegalStateException("No slot of '" + this.name + "' is bound to this thread: "
					+ "current() is for calls of the service, which are routed to the slot of their key");
		}
		return state;
	}

	/**
	 * Return the states of the slots this node holds now, by slot.
	 * @return a view of the held slots
	 */
	public Map<Integer, T> held() {
		return Collections.unmodifiableMap(this.held);
	}

	/**
	 * Return the checkpoint name, which is the service's name.
	 * @return the name
	 */
	public String getCheckpointName() {
		return this.name;
	}

	/**
	 * Create the empty state of a slot.
	 * @return the new state
	 * @throws IllegalStateException if the factory made a state with another checkpoint
	 * name
	 */
	T newSlot() {
		T state = Objects.requireNonNull(this.factory.get(), "factory returned null");
		if (!this.name.equals(state.getCheckpointName())) {
			throw new IllegalStateException("The factory of " + this + " made a state named '"
					+ state.getCheckpointName() + "' (expected: '" + this.name + "')");
		}
		return state;
	}

	void held(int slot, T state) {
		this.held.put(slot, state);
	}

	void released(int slot, T state) {
		this.held.remove(slot, state);
	}

	/**
	 * Run an action with a slot's state as the {@link #current()} state of this thread.
	 * @param state the slot's state, made by this object
	 * @param action the action
	 * @param <R> the result type
	 * @return the action's result
	 * @throws Exception what the action threw
	 */
	public <R> R callWith(Checkpointable state, Callable<R> action) throws Exception {
		T previous = this.bound.get();
		this.bound.set(cast(state));
		try {
			return action.call();
		}
		finally {
			if (previous != null) {
				this.bound.set(previous);
			}
			else {
				this.bound.remove();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private T cast(Checkpointable state) {
		if (!this.type.isInstance(state)) {
			throw new IllegalArgumentException(state + " is not a slot state made by " + this);
		}
		return (T) state;
	}

	@Override
	public String toString() {
		return "PartitionedState '" + this.name + "'";
	}

}
