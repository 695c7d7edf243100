package dev.resilientrpc.failover;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import dev.resilientrpc.checkpoint.Checkpointable;

/**
 * Checkpointed state split by owner: this node's own state (its "home" partition, the one
 * checkpointed and restored as usual) plus, while another node is down, replicas of that
 * node's state that failover builds and serves. Service code reads and writes
 * {@link #current()}, which is the replica of the partition the current call belongs to,
 * or the home state outside such a call, so the same code serves both.
 *
 * <pre class="code">
 * &#64;Bean
 * PartitionedState&lt;CheckpointedMap&lt;String, String&gt;&gt; kvState() {
 *     return new PartitionedState&lt;&gt;(() -&gt; new CheckpointedMap&lt;&gt;("kv", String.class, String.class));
 * }
 *
 * &#64;RpcService("kv")
 * class KvNode implements KvApi {
 *     public String put(String key, String value) { return this.state.current().put(key, value); }
 * }
 * </pre>
 *
 * <p>
 * As a {@link Checkpointable} it is the home state: its checkpoint name is the state's,
 * and that name must be the name of the service whose calls are failed over.
 *
 * @param <T> the type of the state
 */
public class PartitionedState<T extends Checkpointable> implements Checkpointable {

	private final Supplier<? extends T> factory;

	private final T home;

	private final ThreadLocal<T> bound = new ThreadLocal<>();

	/**
	 * Create a partitioned state.
	 * @param factory creates an empty state: once for the home partition, then once per
	 * replica; every state it creates must have the same checkpoint name
	 */
	public PartitionedState(Supplier<? extends T> factory) {
		this.factory = factory;
		this.home = Objects.requireNonNull(factory.get(), "factory returned null");
	}

	/**
	 * Return the state of the partition the current call belongs to.
	 * @return the replica being served on this thread, or the home state
	 */
	public T current() {
		T replica = this.bound.get();
		return (replica != null) ? replica : this.home;
	}

	/**
	 * Return this node's own state.
	 * @return the home state
	 */
	public T home() {
		return this.home;
	}

	/**
	 * Create an empty state for a replica.
	 * @return the new state
	 * @throws IllegalStateException if the factory made a state with another checkpoint
	 * name
	 */
	public T newReplica() {
		T replica = Objects.requireNonNull(this.factory.get(), "factory returned null");
		if (!getCheckpointName().equals(replica.getCheckpointName())) {
			throw new IllegalStateException("The factory of " + this + " made a state named '"
					+ replica.getCheckpointName() + "' (expected: '" + getCheckpointName() + "')");
		}
		return replica;
	}

	/**
	 * Run an action with a replica as the {@link #current()} state of this thread.
	 * @param replica the replica, made by {@link #newReplica()}
	 * @param action the action
	 * @param <R> the result type
	 * @return the action's result
	 * @throws Exception what the action threw
	 */
	public <R> R callWith(Checkpointable replica, Callable<R> action) throws Exception {
		T previous = this.bound.get();
		this.bound.set(cast(replica));
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
	private T cast(Checkpointable replica) {
		if (replica == this.home || !this.home.getClass().isInstance(replica)) {
			throw new IllegalArgumentException(replica + " is not a replica made by " + this);
		}
		return (T) replica;
	}

	@Override
	public String getCheckpointName() {
		return this.home.getCheckpointName();
	}

	@Override
	public Snapshot snapshot() {
		return this.home.snapshot();
	}

	@Override
	public void restore(InputStream in) throws IOException {
		this.home.restore(in);
	}

	@Override
	public long getChangeCount() {
		return this.home.getChangeCount();
	}

	@Override
	public String toString() {
		return "PartitionedState of " + this.home;
	}

}
