package dev.resilientrpc.autoconfigure.server;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the JSON-RPC server.
 */
@ConfigurationProperties("resilient-rpc.server")
public class RpcServerProperties {

	/**
	 * Path of the JSON-RPC endpoint.
	 */
	private String path = "/rpc";

	/**
	 * Largest request body accepted; larger ones are refused with HTTP 413.
	 */
	private DataSize maxRequestSize = DataSize.ofMegabytes(1);

	/**
	 * Deepest nesting of arrays and objects a request may have.
	 */
	private int maxNestingDepth = 64;

	/**
	 * Most requests one batch may hold.
	 */
	private int maxBatchSize = 100;

	/**
	 * Limits on what one request may hold and on how many run at once.
	 */
	private final Limits limits = new Limits();

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public DataSize getMaxRequestSize() {
		return this.maxRequestSize;
	}

	public void setMaxRequestSize(DataSize maxRequestSize) {
		this.maxRequestSize = maxRequestSize;
	}

	public int getMaxNestingDepth() {
		return this.maxNestingDepth;
	}

	public void setMaxNestingDepth(int maxNestingDepth) {
		this.maxNestingDepth = maxNestingDepth;
	}

	public int getMaxBatchSize() {
		return this.maxBatchSize;
	}

	public void setMaxBatchSize(int maxBatchSize) {
		this.maxBatchSize = maxBatchSize;
	}

	public Limits getLimits() {
		return this.limits;
	}

	void validate() {
		if (!this.path.startsWith("/") || this.path.contains("*")) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.server.path", this.path,
					"must start with '/' and contain no wildcard");
		}
		long size = this.maxRequestSize.toBytes();
		if (size < 64 || size > Integer.MAX_VALUE - 8) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.server.max-request-size",
					this.maxRequestSize, "must be between 64B and 2047MB");
		}
		if (this.maxNestingDepth < 3) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.server.max-nesting-depth",
					this.maxNestingDepth, "must be >= 3 (a batch of requests with params nests 3 levels)");
		}
		if (this.maxBatchSize < 1) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.server.max-batch-size",
					this.maxBatchSize, "must be > 0");
		}
		this.limits.validate();
	}

	/**
	 * Limits on requests: what a request that exceeds one is told names the property.
	 */
	public static class Limits {

		/**
		 * Longest JSON string (in characters) a request may hold.
		 */
		private int maxStringLength = 524288;

		/**
		 * Longest JSON number (in characters) a request may hold.
		 */
		private int maxNumberLength = 100;

		/**
		 * Longest JSON object member name (in characters) a request may hold.
		 */
		private int maxNameLength = 1024;

		/**
		 * Largest sum of the request's header names and values; larger ones are refused
		 * with HTTP 431. The web server's own server.max-http-request-header-size applies
		 * first.
		 */
		private DataSize maxHeaderSize = DataSize.ofKilobytes(8);

		/**
		 * Longest Idempotency-Key accepted, in characters (visible ASCII only).
		 */
		private int maxIdempotencyKeyLength = 128;

		/**
		 * Most requests processed at once; more are refused with -32002 and HTTP 503 at
		 * once, never queued. 0 for no limit of our own (the web server's thread pool
		 * still bounds them).
		 */
		private int maxInFlight = 0;

		/**
		 * Retry-After of requests refused because max-in-flight were already running.
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		public int getMaxStringLength() {
			return this.maxStringLength;
		}

		public void setMaxStringLength(int maxStringLength) {
			this.maxStringLength = maxStringLength;
		}

		public int getMaxNumberLength() {
			return this.maxNumberLength;
		}

		public void setMaxNumberLength(int maxNumberLength) {
			this.maxNumberLength = maxNumberLength;
		}

		public int getMaxNameLength() {
			return this.maxNameLength;
		}

		public void setMaxNameLength(int maxNameLength) {
			this.maxNameLength = maxNameLength;
		}

		public DataSize getMaxHeaderSize() {
			return this.maxHeaderSize;
		}

		public void setMaxHeaderSize(DataSize maxHeaderSize) {
			this.maxHeaderSize = maxHeaderSize;
		}

		public int getMaxIdempotencyKeyLength() {
			return this.maxIdempotencyKeyLength;
		}

		public void setMaxIdempotencyKeyLength(int maxIdempotencyKeyLength) {
			this.maxIdempotencyKeyLength = maxIdempotencyKeyLength;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

		void validate() {
			atLeast("max-string-length", this.maxStringLength, 16);
			atLeast("max-number-length", this.maxNumberLength, 20);
			atLeast("max-name-length", this.maxNameLength, 16);
			atLeast("max-idempotency-key-length", this.maxIdempotencyKeyLength, 16);
			atLeast("max-in-flight", this.maxInFlight, 0);
			if (this.maxHeaderSize.toBytes() < 256 || this.maxHeaderSize.toBytes() > Integer.MAX_VALUE) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.server.limits.max-header-size",
						this.maxHeaderSize, "must be between 256B and 2047MB");
			}
			if (this.retryAfter.isNegative()) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.server.limits.retry-after",
						this.retryAfter, "must not be negative");
			}
		}

		private static void atLeast(String name, int value, int minimum) {
			if (value < minimum) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.server.limits." + name, value,
						"must be >= " + minimum);
			}
		}

	}

}
