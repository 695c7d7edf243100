package dev.resilientrpc.loadbalancer;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.cluster.ServiceInstance;

/**
 * The instances the attempts of one logical call went to, kept as a {@link ClientCall}
 * attribute so that a retry, which runs the balancer again on the same call, goes to the
 * next distinct instance clockwise after the one that failed.
 */
public final class InstanceAttempts {

	/**
	 * Name of the {@link ClientCall} attribute that holds the attempts.
	 */
	public static final String ATTRIBUTE = InstanceAttempts.class.getName();

	private final long position;

	private @Nullable InstanceState first;

	/** Attempts after the first; most calls never need it. */
	private @Nullable List<InstanceState> retries;

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
		List<ServiceInstance> instances = new ArrayList<>();
		if (this.first != null) {
			instances.add(this.first.instance);
		}
		if (this.retries != null) {
			for (InstanceState state : this.retries) {
				instances.add(state.instance);
			}
		}
		return instances;
	}

	/**
	 * Where on the ring the call's walk starts: the key's hash, or a keyless call's pick.
	 */
	long position() {
		return this.position;
	}

	boolean isEmpty() {
		return this.first == null;
	}

	boolean contains(InstanceState state) {
		if (this.first == state) {
			return true;
		}
		return this.retries != null && this.retries.contains(state);
	}

	@Nullable InstanceState last() {
		if (this.retries != null) {
			return this.retries.get(this.retries.size() - 1);
		}
		return this.first;
	}

	void add(InstanceState state) {
		if (this.first == null) {
			this.first = state;
			return;
		}
		if (this.retries == null) {
			this.retries = new ArrayList<>(4);
		}
		this.retries.add(state);
	}

	@Override
	public String toString() {
		return "InstanceAttempts " + tried();
	}

}
