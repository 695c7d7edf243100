package dev.resilientrpc.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * How resilient-rpc names what it keeps in the Redis of {@code spring.data.redis.*}:
 * checkpoints, command logs, slot leases, ordering watermarks and idempotency records.
 */
@ConfigurationProperties("resilient-rpc.redis")
public class RpcRedisProperties {

	/**
	 * Prefix of every Redis key resilient-rpc writes, followed by ':' and a hash tag such
	 * as '{kv/0017}'.
	 */
	private String keyPrefix = "resilient-rpc";

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	/**
	 * Check the properties.
	 * @return the key prefix
	 * @throws InvalidConfigurationPropertyValueException if the prefix is empty or holds
	 * a brace, which would change the hash tag of every key
	 */
	public String validatedKeyPrefix() {
		if (this.keyPrefix.isEmpty() || this.keyPrefix.contains("{") || this.keyPrefix.contains("}")) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.redis.key-prefix", this.keyPrefix,
					"must be non-empty and contain no '{' or '}': they would change the hash tag of every key");
		}
		return this.keyPrefix;
	}

}
