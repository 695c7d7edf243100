package dev.resilientrpc.benchmarks.loadbalancer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer.Lease;
import dev.resilientrpc.cluster.HashRing;

/**
 * Time to find the instance of one key, the key's hashing included, for the same 4,096
 * keys:
 * <ul>
 * <li>{@code hashRing}: our ring (XXH3, binary search over sorted primitive arrays);</li>
 * <li>{@code md5TreeMap}: a Dubbo-style ring ({@code TreeMap} + MD5, 160 replicas);</li>
 * <li>{@code guavaJump}: Guava's {@code Hashing.consistentHash} over a murmur3_128 hash
 * of the key (no virtual nodes, no weights, and it can only remove the last bucket);</li>
 * <li>{@code balancerLease}: the whole selection step of a call (ring lookup,
 * availability, in-flight accounting, release).</li>
 * </ul>
 * Run: {@code benchmarks/run.sh jmh RingLookup -f 1 -wi 3 -w 1s -i 5 -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingLookupBenchmark {

	private static final int KEYS = 4096;

	@Param({ "10", "100" })
	int instances;

	private final String[] keys = new String[KEYS];

	private int next;

	private HashRing ring;

	private Md5TreeMapRing md5TreeMap;

	private HashFunction murmur;

	private ConsistentHashLoadBalancer balancer;

	@Setup
	public void setUp() {
		List<ServiceInstance> members = instances(this.instances);
		this.ring = HashRing.of(members, 160);
		this.md5TreeMap = new Md5TreeMapRing(members, 160);
		this.murmur = Hashing.murmur3_128();
		this.balancer = ConsistentHashLoadBalancer.builder((service) -> members).build();
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = "order-" + (i * 7919L);
		}
	}

	static List<ServiceInstance> instances(int count) {
		List<ServiceInstance> members = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			members.add(new ServiceInstance("kv",
					URI.create("http://10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080/rpc")));
		}
		return members;
	}

	private String nextKey() {
		return this.keys[this.next++ & (KEYS - 1)];
	}

	@Benchmark
	public ServiceInstance hashRing() {
		return this.ring.locate(nextKey());
	}

	@Benchmark
	public ServiceInstance md5TreeMap() {
		return this.md5TreeMap.locate(nextKey());
	}

	@Benchmark
	public int guavaJump() {
		return Hashing.consistentHash(this.murmur.hashString(nextKey(), StandardCharsets.UTF_8), this.instances);
	}

	@Benchmark
	public ServiceInstance balancerLease() {
		try (Lease lease = this.balancer.lease("kv", nextKey())) {
			return lease.instance();
		}
	}

}
