package dev.resilientrpc.loadbalancer;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ServiceInstance;

/**
 * The instances the attempts of one logical call went to, kept as a {@link ClientCall}
 * attribute so that a retry, which runs the balancer again on the same call, goes to the next
 * distinct instance clockwise after the one that failed.
 */
public final class InstanceAttempts {

	/**
	 * Name of the {@link ClientCall} attribute that holds the attempts.
	 */
	public static final String ATTRIBUTE = InstanceAttempts.class.getName();

	private final long position;

	private final List<InstanceState> tried = new ArrayList<>(2);

	InstanceAttempts(long position) {
		this.position = position;
	}

	/**
	 * Return the attempts of a call.
	 * @param call the call
	 * @return its attempts, or {@code null} before the balancer first ran for it
	 */
	public static @Nullable InstanceAttempts of(ClientCall call) {
		return (call.getAttribute(ATTRIBUTE) instanceof InstanceAttempts attempts) ? attempts : null;
	}

	/**
	 * Return the instances tried so far, in order.
	 * @return the instances
	 */
	public List<ServiceInstance> tried() {
		List<ServiceInstance> instances = new ArrayList<>(this.tried.size());
		for (InstanceState state : this.tried) {
			instances.add(state.instance);
		}
		return instances;
	}

	/** Where on the ring the call's walk starts: the key's hash, or a keyless call's pick. */
	long position() {
		return this.position;
	}

	boolean isEmpty() {
		return this.tried.isEmpty();
	}

	boolean contains(InstanceState state) {
		for (int i = 0; i < this.tried.size(); i++) {
			if (this.tried.get(i) == state) {
				return true;
			}
		}
		return false;
	}

	@Nullable InstanceState last() {
		return this.tried.isEmpty() ? null : this.tried.get(this.tried.size() - 1);
	}

	void add(InstanceState state) {
		this.tried.add(state);
	}

	@Override
	public String toString() {
		return "InstanceAttempts " + tried();
	}

}
