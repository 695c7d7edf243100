package dev.resilientrpc.loadbalancer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.loadbalancer.LoadBalancerFixtures.ReferenceRing;

import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instance;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instances;
import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link HashRing}.
 */
class HashRingTests {

	private static final int KEYS = 100_000;

	@Test
	void removingAnInstanceMovesExactlyTheKeysItOwnedAndAddingItBackRestoresEveryKey() {
		List<ServiceInstance> all = instances(10);
		HashRing full = HashRing.of(all, 160);
		ServiceInstance leaving = all.get(3);
		List<ServiceInstance> rest = new ArrayList<>(all);
		rest.remove(leaving);
		HashRing reduced = HashRing.of(rest, 160);
		HashRing restored = HashRing.of(all, 160);
		int owned = 0;
		int moved = 0;
		for (int i = 0; i < KEYS; i++) {
			ServiceInstance before = full.locate(key(i));
			ServiceInstance during = reduced.locate(key(i));
			if (before.equals(leaving)) {
				owned++;
				assertThat(during).isNotEqualTo(leaving);
			}
			else {
				assertThat(during).as("owner of %s while %s is away", key(i), leaving).isEqualTo(before);
			}
			if (!during.equals(before)) {
				moved++;
			}
			assertThat(restored.locate(key(i))).as("owner of %s after %s is back", key(i), leaving).isEqualTo(before);
		}
		assertThat(moved).isEqualTo(owned);
		assertThat(owned).isBetween(KEYS / 10 - KEYS / 40, KEYS / 10 + KEYS / 40);
	}

	@Test
	void addingAnInstanceMovesKeysOnlyToIt() {
		List<ServiceInstance> nine = instances(9);
		List<ServiceInstance> ten = instances(10);
		HashRing before = HashRing.of(nine, 160);
		HashRing after = HashRing.of(ten, 160);
		for (int i = 0; i < KEYS; i++) {
			ServiceInstance owner = after.locate(key(i));
			if (!owner.equals(before.locate(key(i)))) {
				assertThat(owner).isEqualTo(instance(9));
			}
		}
	}

	@Test
	void orderOfTheInstancesDoesNotMatter() {
		List<ServiceInstance> shuffled = instances(20);
		Collections.shuffle(shuffled, new Random(7));
		HashRing ordered = HashRing.of(instances(20), 160);
		HashRing reordered = HashRing.of(shuffled, 160);
		for (int i = 0; i < 10_000; i++) {
			assertThat(reordered.locate(key(i))).isEqualTo(ordered.locate(key(i)));
		}
	}

	@Test
	void lookupsAgreeWithATreeMapRing() {
		List<ServiceInstance> members = instances(37);
		Map<ServiceInstance, Double> weights = new HashMap<>();
		weights.put(members.get(5), 2.5);
		weights.put(members.get(6), 0.3);
		HashRing ring = HashRing.of(members, 100, (instance) -> weights.getOrDefault(instance, 1.0));
		ReferenceRing reference = new ReferenceRing(members, 100, weights);
		for (int i = 0; i < KEYS; i++) {
			assertThat(ring.locate(key(i))).isEqualTo(reference.owner(key(i)));
		}
		// positions at and around the ends of the ring wrap around to the first point
		assertThat(ring.pointIndex(Long.MAX_VALUE)).isZero();
		assertThat(ring.pointIndex(Long.MIN_VALUE)).isZero();
		assertThat(ring.pointIndex(ring.point(ring.pointCount() - 1))).isEqualTo(ring.pointCount() - 1);
		assertThat(ring.pointIndex(ring.point(ring.pointCount() - 1) + 1)).isZero();
	}

	@Test
	void pointIndexIsTheFirstPointAtOrAfterThePositionForRingsOfEverySize() {
		Random random = new Random(3);
		for (int size = 1; size <= 40; size++) {
			HashRing ring = HashRing.of(instances(size), 1 + size % 4);
			List<Long> probes = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L));
			for (int j = 0; j < ring.pointCount(); j++) {
				probes.addAll(List.of(ring.point(j), ring.point(j) - 1, ring.point(j) + 1));
			}
			for (int i = 0; i < 200; i++) {
				probes.add(random.nextLong());
			}
			for (long probe : probes) {
				int expected = 0;
				while (expected < ring.pointCount() && ring.point(expected) < probe) {
					expected++;
				}
				assertThat(ring.pointIndex(probe)).as("ring of %s, position %s", size, probe)
					.isEqualTo((expected < ring.pointCount()) ? expected : 0);
			}
		}
	}

	@Test
	void keysAreSpreadWithinStatisticalBoundsWith160VirtualNodes() {
		HashRing ring = HashRing.of(instances(10), 160);
		int[] counts = new int[10];
		for (int i = 0; i < KEYS; i++) {
			counts[ring.indexOf(ring.locate(key(i)))]++;
		}
		int peak = 0;
		for (int count : counts) {
			peak = Math.max(peak, count);
		}
		// the share of an instance with v points deviates by about 1/sqrt(v) = 7.9%: the
		// busiest of 10 is expected near 1.13 times the average and the issue caps it at
		// 1.20
		assertThat(peak / (KEYS / 10.0)).isLessThanOrEqualTo(1.20);
		double sum = 0;
		for (int i = 0; i < 10; i++) {
			sum += ring.share(i);
			assertThat(ring.share(i)).isCloseTo(counts[i] / (double) KEYS, within(0.01));
		}
		assertThat(sum).isCloseTo(1.0, within(1e-9));
	}

	@Test
	void busiestInstanceStaysNearTheExpectedBoundOverManyClusters() {
		// ring shares of 50 clusters of 10 instances on random ports
		Random random = new Random(42);
		double worst = 0;
		double total = 0;
		for (int cluster = 0; cluster < 50; cluster++) {
			List<ServiceInstance> members = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				members.add(new ServiceInstance("kv", java.net.URI
					.create("http://10.1." + cluster + "." + i + ":" + (1024 + random.nextInt(60000)) + "/rpc")));
			}
			HashRing ring = HashRing.of(members, 160);
			double peak = 0;
			for (int i = 0; i < 10; i++) {
				peak = Math.max(peak, ring.share(i) * 10);
			}
			worst = Math.max(worst, peak);
			total += peak;
		}
		assertThat(total / 50).isLessThan(1.20);
		assertThat(worst).isLessThan(1.35);
	}

	@Test
	void weightsScaleVirtualNodesAndShares() {
		List<ServiceInstance> members = instances(8);
		ServiceInstance heavy = members.get(2);
		HashRing ring = HashRing.of(members, 160, (instance) -> instance.equals(heavy) ? 3.0 : 1.0);
		int index = ring.indexOf(heavy);
		assertThat(ring.virtualNodes(index)).isEqualTo(480);
		assertThat(ring.weightShare(index)).isCloseTo(0.3, within(1e-9));
		int[] counts = new int[8];
		for (int i = 0; i < KEYS; i++) {
			counts[ring.indexOf(ring.locate(key(i)))]++;
		}
		double light = (KEYS - counts[index]) / 7.0;
		assertThat(counts[index] / light).isBetween(2.6, 3.4);
		assertThat(ring.share(index) * 10).isBetween(2.6, 3.4);
	}

	@Test
	void weightedPickFollowsWeights() {
		List<ServiceInstance> members = instances(4);
		HashRing ring = HashRing.of(members, 16, (instance) -> instance.equals(members.get(0)) ? 2.0 : 1.0);
		assertThat(ring.weightedInstance(0.0)).isEqualTo(0);
		assertThat(ring.weightedInstance(0.39)).isEqualTo(0);
		assertThat(ring.weightedInstance(0.41)).isEqualTo(1);
		assertThat(ring.weightedInstance(0.99999)).isEqualTo(3);
	}

	@Test
	void ringOfAThousandInstancesHasEveryPoint() {
		HashRing ring = HashRing.of(instances(1000), 160);
		assertThat(ring.size()).isEqualTo(1000);
		assertThat(ring.pointCount()).isEqualTo(160_000);
		double sum = 0;
		for (int i = 0; i < ring.size(); i++) {
			sum += ring.share(i);
			assertThat(ring.ownerAt(ring.homePoint(i))).isEqualTo(i);
		}
		assertThat(sum).isCloseTo(1.0, within(1e-9));
		for (int j = 1; j < ring.pointCount(); j++) {
			assertThat(ring.point(j)).isGreaterThanOrEqualTo(ring.point(j - 1));
		}
	}

	@Test
	void duplicatesAreIgnored() {
		HashRing ring = HashRing.of(List.of(instance(1), instance(1), instance(2)), 10);
		assertThat(ring.instances()).containsExactly(instance(1), instance(2));
		assertThat(ring.pointCount()).isEqualTo(20);
	}

	@Test
	void singleInstanceOwnsEverything() {
		HashRing ring = HashRing.of(List.of(instance(1)), 1);
		assertThat(ring.share(0)).isEqualTo(1.0);
		assertThat(ring.locate("anything")).isEqualTo(instance(1));
		assertThat(HashRing.empty().isEmpty()).isTrue();
	}

	@Test
	void badArgumentsAreRejectedWithTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> HashRing.of(instances(2), 0))
			.withMessage("virtualNodes: 0 (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> HashRing.of(instances(2), 10, (instance) -> 0.0))
			.withMessageContaining("weight of kv@http://10.0.0.1:8080/rpc: 0.0 (expected: a finite number > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> HashRing.of(instances(2), 10, (instance) -> Double.NaN))
			.withMessageContaining("NaN");
	}

}
