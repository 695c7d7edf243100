package dev.resilientrpc.autoconfigure.server;

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
	}

}
