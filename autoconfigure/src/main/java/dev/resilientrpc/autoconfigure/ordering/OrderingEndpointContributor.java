package dev.resilientrpc.autoconfigure.ordering;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointContributor;
import dev.resilientrpc.ordering.OrderingStore;

/**
 * The {@code ordering} part of the {@code resilientrpc} endpoint: the store that keeps
 * ordering watermarks and idempotency records, and a bounded sample of ordering keys with
 * their high-water marks (a store may hold millions: this is a glimpse, not a listing).
 */
public class OrderingEndpointContributor implements ResilientRpcEndpointContributor {

	/** The most watermarks shown. */
	static final int SAMPLE_SIZE = 20;

	private final OrderingStore store;

	/**
	 * Create a new contributor.
	 * @param store the ordering store
	 */
	public OrderingEndpointContributor(OrderingStore store) {
		this.store = store;
	}

	@Override
	public String getName() {
		return "ordering";
	}

	@Override
	public OrderingDescriptor describe() {
		Map<String, Watermark> watermarks = new TreeMap<>();
		this.store.sampleHighWaterMarks(SAMPLE_SIZE)
			.forEach((key, timestamp) -> watermarks.put(key,
					new Watermark(timestamp, Instant.ofEpochMilli(timestamp >>> 16), (int) (timestamp & 0xFFFF))));
		return new OrderingDescriptor(this.store.getClass().getSimpleName(), this.store.getWatermarkTtl(), SAMPLE_SIZE,
				watermarks);
	}

	/**
	 * The ordering store and a sample of its watermarks.
	 *
	 * @param store the store's type, such as {@code RedisOrderingStore}
	 * @param watermarkTtl how long a key's watermark outlives its last call
	 * @param sampleSize the most watermarks shown
	 * @param watermarks some ordering keys and their high-water marks
	 */
	public record OrderingDescriptor(String store, Duration watermarkTtl, int sampleSize,
			Map<String, Watermark> watermarks) {

	}

	/**
	 * The high-water mark of one ordering key: the timestamp of the last call admitted.
	 *
	 * @param timestamp the hybrid-logical-clock timestamp, as sent in
	 * {@code Rpc-Timestamp}
	 * @param time its physical part
	 * @param logical its logical counter
	 */
	public record Watermark(long timestamp, Instant time, int logical) {

	}

}
