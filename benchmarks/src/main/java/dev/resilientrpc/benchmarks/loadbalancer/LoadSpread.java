package dev.resilientrpc.benchmarks.loadbalancer;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer.Lease;
import dev.resilientrpc.cluster.HashRing;

/**
 * Prints how evenly the ring spreads keys and calls and how many move when an instance
 * leaves, with and without bounded loads. Deterministic (fixed seeds), single-threaded.
 * Run: {@code benchmarks/run.sh dev.resilientrpc.benchmarks.loadbalancer.LoadSpread}.
 */
public final class LoadSpread {

	private static final int KEYS = 1_000_000;

	private static final int CALLS = 10_000;

	private LoadSpread() {
	}

	public static void main(String[] args) {
		keys();
		clusters();
		calls();
		builds();
	}

	/**
	 * How long the thread that rebuilds a ring spends on it (callers go on with the old
	 * one).
	 */
	private static void builds() {
		System.out.println();
		for (int n : new int[] { 10, 100, 1_000 }) {
			List<ServiceInstance> members = RingLookupBenchmark.instances(n);
			for (int i = 0; i < 5; i++) {
				HashRing.of(members, 160);
			}
			int rounds = 20;
			long start = System.nanoTime();
			for (int i = 0; i < rounds; i++) {
				HashRing.of(members, 160);
			}
			System.out.printf("Building a ring of %d instances x 160 virtual nodes: %.2f ms%n", n,
					(System.nanoTime() - start) / 1e6 / rounds);
		}
	}

	/**
	 * Uniform keys on one cluster: spread and movement, ours beside the TreeMap + MD5
	 * ring.
	 */
	private static void keys() {
		System.out.println("Keys: " + KEYS + " uniform keys, 160 virtual nodes, instance 3 removed");
		System.out.printf("%-22s %9s %13s %15s %15s %12s%n", "ring", "instances", "peak/average", "keys moved",
				"moved/owned", "moved x N");
		for (int n : new int[] { 10, 100 }) {
			List<ServiceInstance> members = RingLookupBenchmark.instances(n);
			List<ServiceInstance> reduced = new ArrayList<>(members);
			ServiceInstance leaving = reduced.remove(3);
			HashRing full = HashRing.of(members, 160);
			HashRing less = HashRing.of(reduced, 160);
			printKeys("XXH3 + sorted arrays", n, leaving, full::locate, less::locate);
			Md5TreeMapRing md5Full = new Md5TreeMapRing(members, 160);
			Md5TreeMapRing md5Less = new Md5TreeMapRing(reduced, 160);
			printKeys("MD5 + TreeMap (Dubbo)", n, leaving, md5Full::locate, md5Less::locate);
		}
		System.out.println();
	}

	private static void printKeys(String name, int n, ServiceInstance leaving, Locator before, Locator after) {
		Map<ServiceInstance, Integer> counts = new HashMap<>();
		int owned = 0;
		int moved = 0;
		for (int i = 0; i < KEYS; i++) {
			String key = "key-" + i;
			ServiceInstance owner = before.locate(key);
			counts.merge(owner, 1, Integer::sum);
			if (owner.equals(leaving)) {
				owned++;
			}
			if (!owner.equals(after.locate(key))) {
				moved++;
			}
		}
		double peak = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0) / ((double) KEYS / n);
		System.out.printf("%-22s %9d %13.3f %14.2f%% %15.3f %12.3f%n", name, n, peak, 100.0 * moved / KEYS,
				(double) moved / owned, (double) moved * n / KEYS);
	}

	/** Ring shares of many clusters on random addresses, like the ketama simulation. */
	private static void clusters() {
		System.out.println("Ring share peak/average over 200 clusters of random addresses, 160 virtual nodes");
		System.out.printf("%-22s %9s %8s %8s %8s%n", "ring", "instances", "mean", "p95", "worst");
		for (int n : new int[] { 10, 100 }) {
			Random random = new Random(2024 + n);
			int clusters = 200;
			double[] ours = new double[clusters];
			double[] md5 = new double[clusters];
			for (int c = 0; c < clusters; c++) {
				List<ServiceInstance> members = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					members.add(new ServiceInstance("kv",
							URI.create("http://10." + random.nextInt(256) + "." + random.nextInt(256) + "."
									+ random.nextInt(256) + ":" + (1024 + random.nextInt(60000)) + "/rpc")));
				}
				HashRing ring = HashRing.of(members, 160);
				for (int i = 0; i < ring.size(); i++) {
					ours[c] = Math.max(ours[c], ring.share(i) * n);
				}
				for (double share : new Md5TreeMapRing(members, 160).shares().values()) {
					md5[c] = Math.max(md5[c], share * n);
				}
			}
			printPeaks("XXH3 + sorted arrays", n, ours);
			printPeaks("MD5 + TreeMap (Dubbo)", n, md5);
		}
		System.out.println();
	}

	private static void printPeaks(String name, int n, double[] peaks) {
		double[] sorted = peaks.clone();
		Arrays.sort(sorted);
		double mean = Arrays.stream(sorted).average().orElse(0);
		System.out.printf("%-22s %9d %8.3f %8.3f %8.3f%n", name, n, mean, sorted[(int) (sorted.length * 0.95) - 1],
				sorted[sorted.length - 1]);
	}

	/** Calls held in flight, uniform or Zipf keys, with and without bounded loads. */
	private static void calls() {
		System.out.println("Calls: " + CALLS + " calls held in flight on 10 instances, 160 virtual nodes; "
				+ "then the same calls with instance 3 removed");
		System.out.printf("%-30s %11s %13s %8s %14s %16s%n", "keys", "load factor", "peak/average", "bound",
				"calls moved", "of which forced");
		List<ServiceInstance> members = RingLookupBenchmark.instances(10);
		List<ServiceInstance> reduced = new ArrayList<>(members);
		ServiceInstance leaving = reduced.remove(3);
		String[] uniform = uniformKeys(CALLS, new Random(1));
		String[] zipf = zipfKeys(CALLS, 10_000, 1.1, new Random(2));
		for (Double factor : new Double[] { null, 2.0, 1.5, 1.25 }) {
			printCalls("uniform (1M distinct)", uniform, factor, members, reduced, leaving);
		}
		for (Double factor : new Double[] { null, 2.0, 1.5, 1.25 }) {
			printCalls("Zipf s=1.1 over 10k keys", zipf, factor, members, reduced, leaving);
		}
	}

	private static void printCalls(String name, String[] keys, @Nullable Double factor, List<ServiceInstance> members,
			List<ServiceInstance> reduced, ServiceInstance leaving) {
		ServiceInstance[] before = place(keys, factor, members);
		ServiceInstance[] after = place(keys, factor, reduced);
		Map<ServiceInstance, Integer> loads = new HashMap<>();
		int moved = 0;
		int forced = 0;
		for (int i = 0; i < keys.length; i++) {
			loads.merge(before[i], 1, Integer::sum);
			if (!before[i].equals(after[i])) {
				moved++;
				if (before[i].equals(leaving)) {
					forced++;
				}
			}
		}
		double peak = loads.values().stream().mapToInt(Integer::intValue).max().orElse(0)
				/ ((double) keys.length / members.size());
		System.out
			.printf("%-30s %11s %13.3f %8s %13.2f%% %15.2f%%%n", name, (factor != null) ? factor : "none", peak,
					(factor != null)
							? String.format("%.3f", Math.ceil(factor * keys.length / 10) / (keys.length / 10.0)) : "-",
					100.0 * moved / keys.length, 100.0 * forced / keys.length);
	}

	private static ServiceInstance[] place(String[] keys, @Nullable Double factor, List<ServiceInstance> members) {
		ConsistentHashLoadBalancer balancer = ConsistentHashLoadBalancer.builder((service) -> members)
			.loadFactor(factor)
			.build();
		ServiceInstance[] placed = new ServiceInstance[keys.length];
		List<Lease> held = new ArrayList<>(keys.length);
		for (int i = 0; i < keys.length; i++) {
			Lease lease = balancer.lease("kv", keys[i]);
			placed[i] = lease.instance();
			held.add(lease);
		}
		held.forEach(Lease::close);
		return placed;
	}

	private static String[] uniformKeys(int count, Random random) {
		String[] keys = new String[count];
		for (int i = 0; i < count; i++) {
			keys[i] = "key-" + random.nextInt(1_000_000);
		}
		return keys;
	}

	private static String[] zipfKeys(int count, int distinct, double exponent, Random random) {
		double[] cumulative = new double[distinct];
		double total = 0;
		for (int rank = 0; rank < distinct; rank++) {
			total += 1.0 / Math.pow(rank + 1, exponent);
			cumulative[rank] = total;
		}
		String[] keys = new String[count];
		for (int i = 0; i < count; i++) {
			double target = random.nextDouble() * total;
			int low = 0;
			int high = distinct - 1;
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (cumulative[middle] < target) {
					low = middle + 1;
				}
				else {
					high = middle;
				}
			}
			keys[i] = "key-" + low;
		}
		return keys;
	}

	@FunctionalInterface
	private interface Locator {

		ServiceInstance locate(String key);

	}

}
