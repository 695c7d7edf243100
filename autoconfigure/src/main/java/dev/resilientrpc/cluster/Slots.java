package dev.resilientrpc.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * How keys map to slots and slots to instances, the same on clients and servers: a key
 * belongs to slot {@code hash(key) mod count}; a slot's instances, in order of
 * preference, are the distinct instances met walking the ring clockwise from the slot's
 * own position. The first live one holds the slot; when it fails, the next one does; when
 * one joins, only the slots whose walk now meets it first move to it.
 */
public final class Slots {

	private Slots() {
	}

	/**
	 * Return the slot a key belongs to.
	 * @param key the routing key
	 * @param count the number of slots
	 * @return the slot, from 0 to {@code count - 1}
	 */
	public static int slotOf(CharSequence key, int count) {
		if (count <= 0) {
			throw new IllegalArgumentException("count: " + count + " (expected: > 0)");
		}
		return (int) Long.remainderUnsigned(HashRing.hash(key), count);
	}

	/**
	 * Return the name a slot is placed on the ring by.
	 * @param slot the slot
	 * @return its ring key
	 */
	public static String ringKey(int slot) {
		return "slot-" + slot;
	}

	/**
	 * Return the position on the ring of the slot a key belongs to: where a client sends
	 * the key's calls.
	 * @param key the routing key
	 * @param count the number of slots
	 * @return the ring position
	 */
	public static long position(CharSequence key, int count) {
		return HashRing.hash(ringKey(slotOf(key, count)));
	}

	/**
	 * Return a slot's instances in order of preference.
	 * @param ring the ring
	 * @param slot the slot
	 * @return the distinct instances met walking clockwise from the slot's position
	 */
	public static List<ServiceInstance> preference(HashRing ring, int slot) {
		List<ServiceInstance> order = new ArrayList<>(ring.size());
		if (ring.isEmpty()) {
			return order;
		}
		boolean[] seen = new boolean[ring.size()];
		int points = ring.pointCount();
		int index = ring.pointIndex(HashRing.hash(ringKey(slot)));
		for (int step = 0; step < points && order.size() < ring.size(); step++) {
			int owner = ring.ownerAt(index);
			if (!seen[owner]) {
				seen[owner] = true;
				order.add(ring.instance(owner));
			}
			index = (index + 1 == points) ? 0 : index + 1;
		}
		return order;
	}

	/**
	 * Return the node id of an instance: the scheme and authority of its endpoint, such
	 * as {@code http://10.0.0.1:8081}, which every node computes alike from the instance
	 * list.
	 * @param instance the instance
	 * @return the node id
	 */
	public static String nodeId(ServiceInstance instance) {
		return instance.endpoint().getScheme() + "://" + instance.endpoint().getRawAuthority();
	}

}
