package dev.resilientrpc.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How keys map to slots and slots to instances: the same on every node and client, and a
 * change of membership moves only the slots it must (invariant 4).
 */
class SlotsTests {

	private static final int SLOTS = 256;

	@Test
	void everyKeyBelongsToOneSlotInRange() {
		Map<Integer, Integer> counts = new HashMap<>();
		for (int i = 0; i < 100_000; i++) {
			int slot = Slots.slotOf("key-" + i, SLOTS);
			assertThat(slot).isBetween(0, SLOTS - 1);
			assertThat(Slots.slotOf("key-" + i, SLOTS)).isEqualTo(slot);
			counts.merge(slot, 1, Integer::sum);
		}
		// 390 keys a slot on average: no slot is empty or holds twice its share
		assertThat(counts).hasSize(SLOTS);
		assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isBetween(250, 550));
	}

	@Test
	void aSlotCountBelowOneIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Slots.slotOf("k", 0)).withMessageContaining("count: 0");
	}

	@Test
	void aSlotsPreferenceListsEveryInstanceOnceStartingWithItsOwnerOnTheRing() {
		HashRing ring = HashRing.of(instances(5), 160);
		for (int slot = 0; slot < SLOTS; slot++) {
			List<ServiceInstance> order = Slots.preference(ring, slot);
			assertThat(order).doesNotHaveDuplicates().hasSize(5);
			assertThat(order.get(0)).isEqualTo(ring.locate(Slots.ringKey(slot)));
		}
	}

	@Test
	void aClientRoutingByPositionReachesTheSlotsFirstPreference() {
		HashRing ring = HashRing.of(instances(3), 160);
		for (int i = 0; i < 1000; i++) {
			String key = "key-" + i;
			ServiceInstance byPosition = ring.instance(ring.ownerAt(ring.pointIndex(Slots.position(key, SLOTS))));
			assertThat(byPosition).isEqualTo(Slots.preference(ring, Slots.slotOf(key, SLOTS)).get(0));
		}
	}

	@Test
	void whenAnInstanceLeavesOnlyTheSlotsItHeldMoveAndTheyGoToTheirNextPreference() {
		List<ServiceInstance> members = instances(5);
		HashRing before = HashRing.of(members, 160);
		ServiceInstance leaving = members.get(2);
		List<ServiceInstance> rest = new ArrayList<>(members);
		rest.remove(leaving);
		HashRing after = HashRing.of(rest, 160);
		int moved = 0;
		for (int slot = 0; slot < SLOTS; slot++) {
			List<ServiceInstance> old = Slots.preference(before, slot);
			ServiceInstance now = Slots.preference(after, slot).get(0);
			if (old.get(0).equals(leaving)) {
				moved++;
				assertThat(now).isEqualTo(old.get(1));
			}
			else {
				assertThat(now).isEqualTo(old.get(0));
			}
		}
		assertThat(moved).isPositive();
	}

	@Test
	void whenAnInstanceJoinsOnlyTheSlotsThatNowPreferItMove() {
		List<ServiceInstance> members = instances(4);
		HashRing before = HashRing.of(members.subList(0, 3), 160);
		HashRing after = HashRing.of(members, 160);
		ServiceInstance joining = members.get(3);
		int moved = 0;
		for (int slot = 0; slot < SLOTS; slot++) {
			ServiceInstance old = Slots.preference(before, slot).get(0);
			ServiceInstance now = Slots.preference(after, slot).get(0);
			if (!now.equals(old)) {
				moved++;
				assertThat(now).isEqualTo(joining);
			}
		}
		// about a quarter of the slots
		assertThat(moved).isBetween(SLOTS / 8, SLOTS / 2);
	}

	@Test
	void theNodeIdOfAnInstanceIsItsSchemeAndAuthority() {
		assertThat(Slots.nodeId(new ServiceInstance("kv", URI.create("http://10.0.0.1:8081/rpc"))))
			.isEqualTo("http://10.0.0.1:8081");
	}

	private static List<ServiceInstance> instances(int count) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			instances.add(new ServiceInstance("kv", URI.create("http://127.0.0.1:" + (8081 + i) + "/rpc")));
		}
		return instances;
	}

}
