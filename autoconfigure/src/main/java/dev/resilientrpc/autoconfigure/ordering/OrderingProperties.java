package dev.resilientrpc.autoconfigure.ordering;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.StalePolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties of timestamp ordering and idempotency.
 */
@ConfigurationProperties("resilient-rpc.ordering")
public class OrderingProperties {

	private static final String PREFIX = "resilient-rpc.ordering.";

	/**
	 * What to do with a stale call, one whose timestamp is not above its ordering key's
	 * high-water mark: 'reject' answers -32001, 'ignore' acknowledges it without
	 * executing it (for last-writer-wins writes that return nothing).
	 */
	private StalePolicy stalePolicy = StalePolicy.REJECT;

	/**
	 * How far ahead of this node's clock a received Rpc-Timestamp may be. Calls stamped
	 * further ahead are refused with -32006.
	 */
	private Duration maxClockSkew = Duration.ofMillis(500);

	/**
	 * How long an ordered call waits for lower-stamped calls of its key to arrive first.
	 * 0 runs each call as soon as its key is free.
	 */
	private Duration reorderWindow = Duration.ZERO;

	/**
	 * Longest an ordered call waits for its turn on its key before it is shed with
	 * -32002.
	 */
	private Duration maxWait = Duration.ofSeconds(10);

	/**
	 * Longest Idempotency-Key or Rpc-Ordering-Key accepted, in characters. Longer ones
	 * are refused with -32600.
	 */
	private int maxKeyLength = 255;

	/**
	 * Whether ordered and deduplicated calls go on, unordered and undeduplicated, while
	 * the store is unavailable, instead of being shed with -32002.
	 */
	private boolean failOpen;

	/**
	 * How long a shed caller is told to wait before retrying (the Retry-After header).
	 */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * Where high-water marks and idempotency records live. 'auto' uses Redis when a
	 * RedisConnectionFactory bean exists and memory otherwise.
	 */
	private Store store = Store.AUTO;

	/**
	 * How long the high-water mark of an ordering key is remembered after the last call
	 * admitted to it. Calls stamped earlier than that, less max-clock-skew, are stale.
	 */
	private Duration watermarkTtl = Duration.ofHours(24);

	/**
	 * How long an ordering key stays locked by a call whose instance stopped before
	 * unlocking it. Must be longer than any call runs, or two instances may execute calls
	 * of one key at once.
	 */
	private Duration lockLease = Duration.ofSeconds(30);

	private final Idempotency idempotency = new Idempotency();

	private final InMemory inMemory = new InMemory();

	/**
	 * Stale policies of exported services and their methods, by service name.
	 */
	private Map<String, Service> services = new LinkedHashMap<>();

	public StalePolicy getStalePolicy() {
		return this.stalePolicy;
	}

	public void setStalePolicy(StalePolicy stalePolicy) {
		this.stalePolicy = stalePolicy;
	}

	public Duration getMaxClockSkew() {
		return this.maxClockSkew;
	}

	public void setMaxClockSkew(Duration maxClockSkew) {
		this.maxClockSkew = maxClockSkew;
	}

	public Duration getReorderWindow() {
		return this.reorderWindow;
	}

	public void setReorderWindow(Duration reorderWindow) {
		this.reorderWindow = reorderWindow;
	}

	public Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(Duration maxWait) {
		this.maxWait = maxWait;
	}

	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	public void setMaxKeyLength(int maxKeyLength) {
		this.maxKeyLength = maxKeyLength;
	}

	public boolean isFailOpen() {
		return this.failOpen;
	}

	public void setFailOpen(boolean failOpen) {
		this.failOpen = failOpen;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public Store getStore() {
		return this.store;
	}

	public void setStore(Store store) {
		this.store = store;
	}

	public Duration getWatermarkTtl() {
		return this.watermarkTtl;
	}

	public void setWatermarkTtl(Duration watermarkTtl) {
		this.watermarkTtl = watermarkTtl;
	}

	public Duration getLockLease() {
		return this.lockLease;
	}

	public void setLockLease(Duration lockLease) {
		this.lockLease = lockLease;
	}

	public Idempotency getIdempotency() {
		return this.idempotency;
	}

	public InMemory getInMemory() {
		return this.inMemory;
	}

	public Map<String, Service> getServices() {
		return this.services;
	}

	public void setServices(Map<String, Service> services) {
		this.services = services;
	}

	/**
	 * Return the configured stale policies by service name ({@code kv}) and JSON-RPC
	 * method name ({@code kv.put}).
	 * @return the overrides
	 */
	Map<String, StalePolicy> stalePolicyOverrides() {
		Map<String, StalePolicy> overrides = new LinkedHashMap<>();
		this.services.forEach((serviceName, service) -> {
			if (service.getStalePolicy() != null) {
				overrides.put(serviceName, service.getStalePolicy());
			}
			service.getMethods().forEach((methodName, method) -> {
				if (method.getStalePolicy() != null) {
					overrides.put(serviceName + "." + methodName, method.getStalePolicy());
				}
			});
		});
		return overrides;
	}

	void validate() {
		requireNotNegative("max-clock-skew", this.maxClockSkew);
		requireNotNegative("reorder-window", this.reorderWindow);
		requireNotNegative("retry-after", this.retryAfter);
		if (this.maxWait.compareTo(this.reorderWindow) <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "max-wait", this.maxWait,
					"must be longer than reorder-window (" + this.reorderWindow + ")");
		}
		if (this.maxKeyLength < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "max-key-length", this.maxKeyLength,
					"must be > 0");
		}
		if (this.watermarkTtl.compareTo(this.maxClockSkew) <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "watermark-ttl", this.watermarkTtl,
					"must be longer than max-clock-skew (" + this.maxClockSkew + ")");
		}
		requireAtLeastOneMilli("lock-lease", this.lockLease);
		requireAtLeastOneMilli("idempotency.ttl", this.idempotency.getTtl());
		requireAtLeastOneMilli("idempotency.after-deadline", this.idempotency.getAfterDeadline());
		if (this.inMemory.getMaxRecords() < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "in-memory.max-records",
					this.inMemory.getMaxRecords(), "must be > 0");
		}
	}

	private static void requireNotNegative(String name, Duration value) {
		if (value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "must not be negative");
		}
	}

	private static void requireAtLeastOneMilli(String name, Duration value) {
		if (value.toMillis() < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "must be at least 1ms");
		}
	}

	/**
	 * Where high-water marks and idempotency records live.
	 */
	public enum Store {

		/** Redis when a {@code RedisConnectionFactory} bean exists, memory otherwise. */
		AUTO,

		/**
		 * Redis, shared by all instances; startup fails without a
		 * {@code RedisConnectionFactory}.
		 */
		REDIS,

		/** This JVM's memory, for a single node. */
		IN_MEMORY

	}

	/**
	 * Idempotency records.
	 */
	public static class Idempotency {

		/**
		 * How long the outcome of a call without a deadline (no Rpc-Timeout) is kept and
		 * replayed to retries of it, counted from its completion; a call whose instance
		 * died while executing it stays in flight that long. Also the most any record is
		 * kept.
		 */
		private Duration ttl = Duration.ofHours(24);

		/**
		 * How long past its caller's deadline (its Rpc-Timeout) the outcome of a call
		 * with one is kept. No retry can be sent after the deadline, so this need only
		 * cover the delivery of the last attempt; Redis then holds the records of the
		 * calls of the last deadline plus this, not of a whole ttl.
		 */
		private Duration afterDeadline = Duration.ofMinutes(1);

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getAfterDeadline() {
			return this.afterDeadline;
		}

		public void setAfterDeadline(Duration afterDeadline) {
			this.afterDeadline = afterDeadline;
		}

	}

	/**
	 * The in-memory store.
	 */
	public static class InMemory {

		/**
		 * Most idempotency records kept; beyond it the oldest completed records are
		 * evicted before their TTL ends.
		 */
		private int maxRecords = 100_000;

		public int getMaxRecords() {
			return this.maxRecords;
		}

		public void setMaxRecords(int maxRecords) {
			this.maxRecords = maxRecords;
		}

	}

	/**
	 * Settings of one exported service.
	 */
	public static class Service {

		/**
		 * Stale policy of the service's methods, overriding
		 * resilient-rpc.ordering.stale-policy and @OnStale on the service's interface.
		 */
		private @Nullable StalePolicy stalePolicy;

		/**
		 * Settings of the service's methods, by method name.
		 */
		private Map<String, Method> methods = new LinkedHashMap<>();

		public @Nullable StalePolicy getStalePolicy() {
			return this.stalePolicy;
		}

		public void setStalePolicy(@Nullable StalePolicy stalePolicy) {
			this.stalePolicy = stalePolicy;
		}

		public Map<String, Method> getMethods() {
			return this.methods;
		}

		public void setMethods(Map<String, Method> methods) {
			this.methods = methods;
		}

	}

	/**
	 * Settings of one exported method.
	 */
	public static class Method {

		/**
		 * Stale policy of the method, overriding every other setting.
		 */
		private @Nullable StalePolicy stalePolicy;

		public @Nullable StalePolicy getStalePolicy() {
			return this.stalePolicy;
		}

		public void setStalePolicy(@Nullable StalePolicy stalePolicy) {
			this.stalePolicy = stalePolicy;
		}

	}

}
