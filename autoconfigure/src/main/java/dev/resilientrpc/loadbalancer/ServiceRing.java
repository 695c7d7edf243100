package dev.resilientrpc.loadbalancer;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.InstanceWeights;
import dev.resilientrpc.cluster.ServiceInstance;

/**
 * The balancing state of one service: the current ring snapshot, the state of each member
 * and the calls in flight. Readers take {@link #snapshot()} once per call and never lock;
 * a membership change builds a new snapshot under this object's lock and publishes it
 * with one volatile write, so a reader sees either the old ring or the new one, never a
 * mix.
 */
final class ServiceRing {

	final String service;

	final AtomicInteger inFlight = new AtomicInteger();

	final LongAdder failovers = new LongAdder();

	final AtomicBoolean rebuildPending = new AtomicBoolean();

	private final ConcurrentMap<ServiceInstance, InstanceState> states = new ConcurrentHashMap<>();

	private volatile @Nullable Snapshot snapshot;

	ServiceRing(String service) {
		this.service = service;
	}

	@Nullable Snapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * Publish a ring for the given members unless the current one already matches them.
	 * @return the snapshot now current, and whether it is new
	 */
	synchronized Snapshot update(List<ServiceInstance> source, int virtualNodes, InstanceWeights weights) {
		Snapshot current = this.snapshot;
		if (current != null && current.source() == source) {
			return current;
		}
		List<ServiceInstance> members = List.copyOf(new LinkedHashSet<>(source));
		if (current != null && current.ring().instances().equals(members) && sameWeights(current.ring(), weights)) {
			// same members under a new list object: keep the ring, remember the new list
			Snapshot same = new Snapshot(source, current.ring(), current.states(), current.version());
			this.snapshot = same;
			return same;
		}
		HashRing ring = HashRing.of(members, virtualNodes, weights);
		InstanceState[] memberStates = new InstanceState[ring.size()];
		Set<ServiceInstance> present = new HashSet<>(ring.size() * 2);
		for (int i = 0; i < ring.size(); i++) {
			memberStates[i] = this.states.computeIfAbsent(ring.instance(i), InstanceState::new);
			present.add(ring.instance(i));
		}
		this.states.keySet().retainAll(present);
		Snapshot next = new Snapshot(source, ring, memberStates, (current != null) ? current.version() + 1 : 1);
		this.snapshot = next;
		return next;
	}

	private static boolean sameWeights(HashRing ring, InstanceWeights weights) {
		for (int i = 0; i < ring.size(); i++) {
			if (Double.compare(ring.weight(i), weights.weightOf(ring.instance(i))) != 0) {
				return false;
			}
		}
		return true;
	}

	/**
	 * One immutable view of a service's membership.
	 *
	 * @param source the list of instances the ring was built from, compared by reference
	 * to notice membership changes cheaply
	 * @param ring the ring
	 * @param states the state of each ring member, by the member's index on the ring
	 * @param version increases with every ring built for the service
	 */
	record Snapshot(List<ServiceInstance> source, HashRing ring, InstanceState[] states, long version) {

	}

}
