package dev.resilientrpc.failover;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Liveness leases of partitions and their takeover, in Redis next to the checkpoint's own
 * keys (same hash tag, so one Lua script may touch them all in a Cluster): <pre>
 * &lt;prefix&gt;:{&lt;node-id&gt;/&lt;name&gt;}:lease      holder of the live owner, expires after the lease time
 * &lt;prefix&gt;:{&lt;node-id&gt;/&lt;name&gt;}:takeover   the epoch successors share while the owner is down
 * &lt;prefix&gt;:{&lt;node-id&gt;/&lt;name&gt;}:epoch      the checkpoint's fencing epoch (RedisCheckpointStore's key)
 * </pre> An owner refreshes its lease on an interval, from before it restores until it
 * stops. A successor {@link #takeOver takes over} only while there is no lease: the first
 * one acquires a new epoch (fencing the old owner, should it still be running) and
 * records it as the takeover epoch; others join that epoch instead of fencing each other,
 * since the keys of one owner are spread over several successors. When the owner returns
 * it acquires a newer epoch, which fences every successor.
 */
public final class PartitionLeases {

	private static final RedisScript<List> TAKE_OVER = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 1 then return {0, 0} end
			local epoch = redis.call('GET', KEYS[2])
			local taken = redis.call('GET', KEYS[3])
			if epoch and taken and epoch == taken then return {1, tonumber(epoch)} end
			local acquired = redis.call('INCR', KEYS[2])
			redis.call('SET', KEYS[3], tostring(acquired))
			return {2, acquired}
			""", List.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
			return 0
			""", Long.class);

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	/**
	 * Create leases.
	 * @param connectionFactory the Redis connections
	 * @param keyPrefix the checkpoint key prefix
	 * ({@code resilient-rpc.checkpoint.key-prefix})
	 */
	public PartitionLeases(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this.redis = new StringRedisTemplate(connectionFactory);
		this.keyPrefix = keyPrefix;
	}

	private String key(String storeName, String suffix) {
		return this.keyPrefix + ":{" + storeName + "}:" + suffix;
	}

	/**
	 * Set or extend this node's lease on its partition.
	 * @param storeName the store name of the checkpoint ({@code <node-id>/<name>})
	 * @param holder what identifies this process
	 * @param leaseTime how long the lease lives without a refresh
	 */
	public void refresh(String storeName, String holder, Duration leaseTime) {
		this.redis.opsForValue().set(key(storeName, "lease"), holder, leaseTime);
	}

	/**
	 * Whether the owner of a partition holds its lease now.
	 * @param storeName the store name of the owner's checkpoint
	 * @return whether the lease exists
	 */
	public boolean isHeld(String storeName) {
		return Boolean.TRUE.equals(this.redis.hasKey(key(storeName, "lease")));
	}

	/**
	 * Give up this node's lease, so that successors take over at once.
	 * @param storeName the store name of the checkpoint
	 * @param holder what identifies this process; another holder's lease is left alone
	 */
	public void release(String storeName, String holder) {
		this.redis.execute(RELEASE, List.of(key(storeName, "lease")), holder);
	}

	/**
	 * Take over a partition whose owner has no lease, or join the takeover of another
	 * successor.
	 * @param storeName the store name of the owner's checkpoint
	 * @return the epoch to write with, or {@code -1} if the owner is alive
	 */
	public long takeOver(String storeName) {
		List<?> result = this.redis.execute(TAKE_OVER,
				List.of(key(storeName, "lease"), key(storeName, "epoch"), key(storeName, "takeover")));
		if (result == null || result.size() != 2) {
			throw new IllegalStateException("Unexpected takeover answer for '" + storeName + "': " + result);
		}
		long state = ((Number) result.get(0)).longValue();
		return (state == 0) ? -1 : ((Number) result.get(1)).longValue();
	}

}
