package dev.resilientrpc.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * An immutable consistent-hash ring over the instances of one service (Karger et al.,
 * with virtual nodes as in ketama).
 *
 * <p>
 * Each instance is placed on a 64-bit ring at {@code round(virtualNodes × weight)}
 * points, the XXH3 hashes of its identity (its endpoint URI) and the point's number. A
 * key belongs to the instance owning the first point at or after the key's XXH3 hash,
 * wrapping around at the end. Because an instance's points depend only on its own
 * identity, removing an instance moves exactly the keys it owned (each to the next
 * instance clockwise), and adding it back moves exactly those keys back. When two
 * instances draw the same point, the one whose identity sorts first owns it, so the
 * outcome does not depend on the order in which instances are listed.
 *
 * <p>
 * Points and owners are kept in two sorted primitive arrays; a lookup is one hash and one
 * binary search, narrowed by a table of where each slice of the hash space starts, and
 * allocates nothing. A ring never changes after it is built: a membership change builds a
 * new ring, which callers swap in atomically.
 */
public final class HashRing {

	private static final Hasher64 HASHER = Hashing.xxh3_64();

	private static final double TWO_TO_THE_64 = 0x1p64;

	private static final HashRing EMPTY = new HashRing(List.of(), new double[0], new int[0], new long[0], new int[0],
			new int[0]);

	private final List<ServiceInstance> instances;

	private final Map<ServiceInstance, Integer> indexes;

	private final double[] weights;

	private final int[] virtualNodes;

	private final long[] points;

	private final int[] owners;

	/**
	 * Index of the first point of each bucket of the hash space, plus the number of
	 * points.
	 */
	private final int[] buckets;

	/** Shift that turns a position into its bucket. */
	private final int bucketShift;

	private final int[] homes;

	private final double[] shares;

	private final double[] cumulativeWeights;

	private final double[] weightShares;

	private HashRing(List<ServiceInstance> instances, double[] weights, int[] virtualNodes, long[] points, int[] owners,
			int[] homes) {
		this.instances = instances;
		this.weights = weights;
		this.virtualNodes = virtualNodes;
		this.points = points;
		this.owners = owners;
		this.homes = homes;
		int bits = (points.length > 1) ? 31 - Integer.numberOfLeadingZeros(points.length) : 1;
		this.bucketShift = 64 - bits;
		this.buckets = buckets(points, bits);
		this.indexes = new HashMap<>(instances.size() * 2);
		for (int i = 0; i < instances.size(); i++) {
			this.indexes.put(instances.get(i), i);
		}
		this.shares = shares(points, owners, instances.size());
		double total = 0;
		this.cumulativeWeights = new double[weights.length];
		for (int i = 0; i < weights.length; i++) {
			total += weights[i];
			this.cumulativeWeights[i] = total;
		}
		this.weightShares = new double[weights.length];
		for (int i = 0; i < weights.length; i++) {
			this.weightShares[i] = weights[i] / total;
		}
	}

	/**
	 * Return the ring of no instance.
	 * @return the empty ring
	 */
	public static HashRing empty() {
		return EMPTY;
	}

	/**
	 * Build a ring of instances that all have weight 1.
	 * @param instances the instances; duplicates are ignored
	 * @param virtualNodes the number of points per unit of weight
	 * @return the ring
	 */
	public static HashRing of(List<ServiceInstance> instances, int virtualNodes) {
		return of(instances, virtualNodes, InstanceWeights.EQUAL);
	}

	/**
	 * Build a ring.
	 * @param instances the instances; duplicates are ignored
	 * @param virtualNodes the number of points per unit of weight
	 * @param weights the weight of each instance
	 * @return the ring
	 * @throws IllegalArgumentException if {@code virtualNodes} is not positive or a
	 * weight is not a positive finite number
	 */
	public static HashRing of(List<ServiceInstance> instances, int virtualNodes, InstanceWeights weights) {
		if (virtualNodes <= 0) {
			throw new IllegalArgumentException("virtualNodes: " + virtualNodes + " (expected: > 0)");
		}
		List<ServiceInstance> members = List.copyOf(new LinkedHashSet<>(instances));
		int n = members.size();
		if (n == 0) {
			return EMPTY;
		}
		double[] weightOf = new double[n];
		int[] counts = new int[n];
		long total = 0;
		for (int i = 0; i < n; i++) {
			double weight = weights.weightOf(members.get(i));
			if (!(weight > 0) || Double.isInfinite(weight)) {
				throw new IllegalArgumentException(
						"weight of " + members.get(i) + ": " + weight + " (expected: a finite number > 0)");
			}
			weightOf[i] = weight;
			counts[i] = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(virtualNodes * weight)));
			total += counts[i];
		}
		if (total > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("virtualNodes: " + virtualNodes + " makes " + total + " points for " + n
					+ " instances (expected: at most " + (Integer.MAX_VALUE - 8) + ")");
		}
		int[] rank = ranks(members);
		long[] unsortedPoints = new long[(int) total];
		int[] unsortedOwners = new int[(int) total];
		int[] firstPoint = new int[n];
		int k = 0;
		for (int i = 0; i < n; i++) {
			long identity = HASHER.hashCharsToLong(identity(members.get(i)));
			firstPoint[i] = k;
			for (int v = 0; v < counts[i]; v++) {
				unsortedPoints[k] = HASHER.hashLongLongToLong(identity, v);
				unsortedOwners[k] = i;
				k++;
			}
		}
		int[] order = sortedOrder(unsortedPoints, unsortedOwners, rank);
		long[] points = new long[order.length];
		int[] owners = new int[order.length];
		int[] positionOf = new int[order.length];
		for (int j = 0; j < order.length; j++) {
			points[j] = unsortedPoints[order[j]];
			owners[j] = unsortedOwners[order[j]];
			positionOf[order[j]] = j;
		}
		int[] homes = new int[n];
		for (int i = 0; i < n; i++) {
			homes[i] = positionOf[firstPoint[i]];
		}
		return new HashRing(members, weightOf, counts, points, owners, homes);
	}

	/**
	 * Return the identity under which an instance is placed on the ring: its endpoint
	 * URI, so that an instance restarted at the same address owns the same keys.
	 * @param instance the instance
	 * @return the identity
	 */
	public static String identity(ServiceInstance instance) {
		return instance.endpoint().toString();
	}

	/**
	 * Return the position of a key on the ring.
	 * @param key the key
	 * @return its 64-bit XXH3 hash
	 */
	public static long hash(CharSequence key) {
		return HASHER.hashCharsToLong(key);
	}

	/**
	 * Return the instance that owns a key.
	 * @param key the key
	 * @return the owner
	 * @throws IllegalStateException if the ring is empty
	 */
	public ServiceInstance locate(CharSequence key) {
		return this.instances.get(ownerAt(pointIndex(hash(key))));
	}

	/**
	 * Return the index of the first point at or after a position, wrapping around to 0.
	 * @param hash the position
	 * @return the index of the point
	 * @throws IllegalStateException if the ring is empty
	 */
	public int pointIndex(long hash) {
		long[] points = this.points;
		if (points.length == 0) {
			throw new IllegalStateException("The ring is empty");
		}
		// the bucket of the position bounds the search to about one or two points
		int bucket = (int) ((hash ^ Long.MIN_VALUE) >>> this.bucketShift);
		int low = this.buckets[bucket];
		int high = this.buckets[bucket + 1];
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (points[middle] < hash) {
				low = middle + 1;
			}
			else {
				high = middle;
			}
		}
		return (low < points.length) ? low : 0;
	}

	/**
	 * Return the number of points on the ring.
	 * @return the number of points
	 */
	public int pointCount() {
		return this.points.length;
	}

	/**
	 * Return the position of a point.
	 * @param index the index of the point, in ring order
	 * @return its position
	 */
	public long point(int index) {
		return this.points[index];
	}

	/**
	 * Return the index of the instance that owns a point.
	 * @param index the index of the point, in ring order
	 * @return the index of its instance
	 */
	public int ownerAt(int index) {
		return this.owners[index];
	}

	/**
	 * Return the number of instances.
	 * @return the number of instances
	 */
	public int size() {
		return this.instances.size();
	}

	/**
	 * Whether the ring has no instance.
	 * @return whether the ring is empty
	 */
	public boolean isEmpty() {
		return this.instances.isEmpty();
	}

	/**
	 * Return the instances, in the order they were given.
	 * @return the instances
	 */
	public List<ServiceInstance> instances() {
		return this.instances;
	}

	/**
	 * Return an instance.
	 * @param index its index
	 * @return the instance
	 */
	public ServiceInstance instance(int index) {
		return this.instances.get(index);
	}

	/**
	 * Return the index of an instance.
	 * @param instance the instance
	 * @return its index, or -1 if it is not on the ring
	 */
	public int indexOf(ServiceInstance instance) {
		Integer index = this.indexes.get(instance);
		return (index != null) ? index : -1;
	}

	/**
	 * Return the weight of an instance.
	 * @param index the index of the instance
	 * @return its weight
	 */
	public double weight(int index) {
		return this.weights[index];
	}

	/**
	 * Return an instance's weight divided by the sum of all weights: its fair share of
	 * the load.
	 * @param index the index of the instance
	 * @return its share of the total weight
	 */
	public double weightShare(int index) {
		return this.weightShares[index];
	}

	/**
	 * Return the number of points of an instance.
	 * @param index the index of the instance
	 * @return its number of points
	 */
	public int virtualNodes(int index) {
		return this.virtualNodes[index];
	}

	/**
	 * Return the fraction of the hash space an instance owns: the share of uniformly
	 * spread keys it receives.
	 * @param index the index of the instance
	 * @return its share, between 0 and 1
	 */
	public double share(int index) {
		return this.shares[index];
	}

	/**
	 * Return the index of the point where an instance's own walk starts: its first
	 * virtual node. Calls without a routing key start there.
	 * @param index the index of the instance
	 * @return the index of the point
	 */
	public int homePoint(int index) {
		return this.homes[index];
	}

	/**
	 * Pick an instance with probability proportional to its weight.
	 * @param uniform a number in {@code [0, 1)}
	 * @return the index of the instance
	 */
	public int weightedInstance(double uniform) {
		double[] cumulative = this.cumulativeWeights;
		double target = uniform * cumulative[cumulative.length - 1];
		int low = 0;
		int high = cumulative.length - 1;
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (cumulative[middle] <= target) {
				low = middle + 1;
			}
			else {
				high = middle;
			}
		}
		return low;
	}

	@Override
	public String toString() {
		return "HashRing [" + this.instances.size() + " instances, " + this.points.length + " points]";
	}

	private static int[] ranks(List<ServiceInstance> members) {
		List<Integer> byIdentity = new ArrayList<>(members.size());
		for (int i = 0; i < members.size(); i++) {
			byIdentity.add(i);
		}
		Collections.sort(byIdentity, (a, b) -> identity(members.get(a)).compareTo(identity(members.get(b))));
		int[] rank = new int[members.size()];
		for (int r = 0; r < rank.length; r++) {
			rank[byIdentity.get(r)] = r;
		}
		return rank;
	}

	/**
	 * Sort point indexes by position, ties broken by the owner's rank, with a bottom-up
	 * merge sort over primitive arrays (no boxing: a ring of 1,000 instances has 160,000
	 * points).
	 */
	private static int[] sortedOrder(long[] points, int[] owners, int[] rank) {
		int length = points.length;
		int[] order = new int[length];
		for (int i = 0; i < length; i++) {
			order[i] = i;
		}
		int[] buffer = new int[length];
		for (int width = 1; width < length; width <<= 1) {
			for (int low = 0; low < length; low += width << 1) {
				int middle = Math.min(low + width, length);
				int high = Math.min(low + (width << 1), length);
				int left = low;
				int right = middle;
				int out = low;
				while (left < middle && right < high) {
					int a = order[left];
					int b = order[right];
					int compared = Long.compare(points[a], points[b]);
					if (compared == 0) {
						compared = Integer.compare(rank[owners[a]], rank[owners[b]]);
					}
					buffer[out++] = (compared <= 0) ? order[left++] : order[right++];
				}
				while (left < middle) {
					buffer[out++] = order[left++];
				}
				while (right < high) {
					buffer[out++] = order[right++];
				}
			}
			int[] swap = order;
			order = buffer;
			buffer = swap;
		}
		return order;
	}

	/**
	 * Split the hash space into {@code 2^bits} equal buckets (in the signed order of the
	 * points) and record where each bucket's points begin, so that a lookup
	 * binary-searches one bucket instead of the whole ring: about one point per bucket,
	 * so one or two cache misses per lookup however large the ring.
	 */
	private static int[] buckets(long[] points, int bits) {
		int count = 1 << bits;
		int[] starts = new int[count + 1];
		int shift = 64 - bits;
		int j = 0;
		for (int bucket = 0; bucket < count; bucket++) {
			while (j < points.length && (int) ((points[j] ^ Long.MIN_VALUE) >>> shift) < bucket) {
				j++;
			}
			starts[bucket] = j;
		}
		starts[count] = points.length;
		return starts;
	}

	private static double[] shares(long[] points, int[] owners, int instances) {
		double[] shares = new double[instances];
		int last = points.length - 1;
		for (int j = 0; j <= last; j++) {
			// the arc (previous point, this point] belongs to this point's owner;
			// unsigned
			// arithmetic makes the first arc wrap around the end of the ring
			long previous = (j == 0) ? points[last] : points[j - 1];
			long arc = points[j] - previous;
			if (j == 0 && arc == 0) {
				// a ring whose points all coincide: the only owner has everything
				shares[owners[j]] += 1.0;
				continue;
			}
			shares[owners[j]] += unsigned(arc) / TWO_TO_THE_64;
		}
		return shares;
	}

	private static double unsigned(long value) {
		double result = (double) (value >>> 1) * 2.0;
		return result + (value & 1);
	}

}
