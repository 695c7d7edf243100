package dev.resilientrpc.autoconfigure.failover;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties of failover.
 */
@ConfigurationProperties("resilient-rpc.failover")
public class FailoverProperties {

	/**
	 * Base URI of this node as it appears in its service's instance list
	 * ('resilient-rpc.client.services.<name>.instances' or discovery), such as
	 * http://10.0.0.1:8081. Defaults to the entry whose port is 'server.port' and whose
	 * host is a loopback or local address.
	 */
	private @Nullable URI instance;

	/**
	 * How long a node's liveness lease lives without a refresh: after a crash, other
	 * nodes take its keys over this long after its last refresh.
	 */
	private Duration leaseTime = Duration.ofSeconds(3);

	/**
	 * Time between two refreshes of this node's liveness lease; well below the lease
	 * time.
	 */
	private Duration leaseRefresh = Duration.ofSeconds(1);

	/**
	 * Retry-After of calls refused because the key's owner is alive, has just returned,
	 * or its replica is unavailable.
	 */
	private Duration retryAfter = Duration.ofMillis(500);

	/**
	 * How long a call for another node's keys waits for the calls ahead of it on the same
	 * replica before it is refused as overloaded.
	 */
	private Duration lockTimeout = Duration.ofSeconds(5);

	public @Nullable URI getInstance() {
		return this.instance;
	}

	public void setInstance(@Nullable URI instance) {
		this.instance = instance;
	}

	public Duration getLeaseTime() {
		return this.leaseTime;
	}

	public void setLeaseTime(Duration leaseTime) {
		this.leaseTime = leaseTime;
	}

	public Duration getLeaseRefresh() {
		return this.leaseRefresh;
	}

	public void setLeaseRefresh(Duration leaseRefresh) {
		this.leaseRefresh = leaseRefresh;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	public void setLockTimeout(Duration lockTimeout) {
		this.lockTimeout = lockTimeout;
	}

	void validate() {
		positive("lease-time", this.leaseTime);
		positive("lease-refresh", this.leaseRefresh);
		positive("retry-after", this.retryAfter);
		positive("lock-timeout", this.lockTimeout);
		if (this.leaseRefresh.compareTo(this.leaseTime) >= 0) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.failover.lease-refresh",
					this.leaseRefresh,
					"must be shorter than resilient-rpc.failover.lease-time (" + this.leaseTime + ")");
		}
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.failover." + name, value,
					"must be > 0");
		}
	}

}
