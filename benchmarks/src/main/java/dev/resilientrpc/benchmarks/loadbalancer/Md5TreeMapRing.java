package dev.resilientrpc.benchmarks.loadbalancer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.resilientrpc.cluster.ServiceInstance;

/**
 * A ring built the way Dubbo's {@code ConsistentHashLoadBalance} builds its own (written
 * here from its description, for comparison): 160 replicas per instance, four 32-bit
 * points cut from each MD5 digest of {@code address + i}, kept in a
 * {@code TreeMap<Long, instance>}; a key is the first 32 bits of its MD5 digest and goes
 * to the ceiling entry, wrapping to the first.
 */
final class Md5TreeMapRing {

	private final TreeMap<Long, ServiceInstance> points = new TreeMap<>();

	private final MessageDigest md5;

	Md5TreeMapRing(List<ServiceInstance> instances, int replicas) {
		this.md5 = newMd5();
		for (ServiceInstance instance : instances) {
			String address = instance.endpoint().getAuthority();
			for (int i = 0; i < replicas / 4; i++) {
				byte[] digest = digest(address + i);
				for (int h = 0; h < 4; h++) {
					this.points.put(point(digest, h), instance);
				}
			}
		}
	}

	/**
	 * Return the fraction of the 32-bit hash space each instance owns.
	 * @return the shares by instance
	 */
	Map<ServiceInstance, Double> shares() {
		Map<ServiceInstance, Double> shares = new HashMap<>();
		long previous = this.points.lastKey() - (1L << 32);
		for (Map.Entry<Long, ServiceInstance> point : this.points.entrySet()) {
			shares.merge(point.getValue(), (point.getKey() - previous) / (double) (1L << 32), Double::sum);
			previous = point.getKey();
		}
		return shares;
	}

	/** Not thread-safe: the digest is reused, as a per-thread selector would. */
	ServiceInstance locate(String key) {
		long hash = point(digest(key), 0);
		Map.Entry<Long, ServiceInstance> entry = this.points.ceilingEntry(hash);
		return (entry != null) ? entry.getValue() : this.points.firstEntry().getValue();
	}

	private byte[] digest(String value) {
		this.md5.reset();
		return this.md5.digest(value.getBytes(StandardCharsets.UTF_8));
	}

	private static long point(byte[] digest, int number) {
		return (((long) (digest[3 + number * 4] & 0xFF) << 24) | ((long) (digest[2 + number * 4] & 0xFF) << 16)
				| ((long) (digest[1 + number * 4] & 0xFF) << 8) | (digest[number * 4] & 0xFF)) & 0xFFFFFFFFL;
	}

	private static MessageDigest newMd5() {
		try {
			return MessageDigest.getInstance("MD5");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
