package dev.resilientrpc.autoconfigure.checkpoint;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.checkpoint.Compression;
import dev.resilientrpc.checkpoint.Durability;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of checkpoints and command logs.
 */
@ConfigurationProperties("resilient-rpc.checkpoint")
public class CheckpointProperties {

	/**
	 * Time between scheduled checkpoints; a state that has not changed since the last one
	 * is not written again.
	 */
	private Duration interval = Duration.ofSeconds(30);

	/**
	 * Checkpoints kept per name. The command log is kept from the oldest of them on, so
	 * with 2 or more a corrupt latest checkpoint is skipped in favour of the previous one
	 * without losing calls.
	 */
	private int keep = 2;

	/**
	 * Compression of checkpoint data: 'none' or 'deflate'.
	 */
	private Compression compression = Compression.NONE;

	/**
	 * Size of the chunks checkpoint data is split into, one Redis value each.
	 */
	private DataSize chunkSize = DataSize.ofMegabytes(1);

	/**
	 * When a mutating call is acknowledged relative to its command log entry: 'async'
	 * (not waiting for Redis; the last acknowledged calls are lost if the process dies
	 * before they are written), 'sync' (written before the method runs) or 'replicated'
	 * (also acknowledged by replicas, Redis WAIT).
	 */
	private Durability durability = Durability.SYNC;

	/**
	 * Replicas that must acknowledge every command log append when durability is
	 * 'replicated'.
	 */
	private int replicas = 1;

	/**
	 * How long to wait for replicas when durability is 'replicated'.
	 */
	private Duration replicationTimeout = Duration.ofSeconds(1);

	/**
	 * How long a mutating call waits for its command log append: -32002 (it did not run)
	 * when the append was never sent, -32007 (outcome unknown) when it was sent and no
	 * answer came.
	 */
	private Duration logTimeout = Duration.ofSeconds(2);

	/**
	 * Delay before the first retry of a failed checkpoint; it doubles with every failure,
	 * up to the interval.
	 */
	private Duration retryBackoff = Duration.ofSeconds(1);

	/**
	 * How long startup retries reading checkpoints while Redis is unavailable before it
	 * fails.
	 */
	private Duration restoreTimeout = Duration.ofMinutes(1);

	/**
	 * Consecutive failed checkpoints after which the 'checkpoint' health indicator
	 * reports DOWN.
	 */
	private int failureThreshold = 3;

	/**
	 * Most recent mutating calls per checkpoint whose idempotency keys and results are
	 * remembered, in memory and in every checkpoint, so that a call retried across a
	 * crash is answered instead of applied twice.
	 */
	private int rememberedCalls = 100_000;

	/**
	 * Identity of this process's state in the store: processes with the same node id
	 * share, and fence each other off, their checkpoints. Defaults to
	 * '<spring.application.name>-<server.port>' when the port is fixed, else to the
	 * application name ('application' when unset).
	 */
	private @Nullable String nodeId;

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public int getKeep() {
		return this.keep;
	}

	public void setKeep(int keep) {
		this.keep = keep;
	}

	public Compression getCompression() {
		return this.compression;
	}

	public void setCompression(Compression compression) {
		this.compression = compression;
	}

	public DataSize getChunkSize() {
		return this.chunkSize;
	}

	public void setChunkSize(DataSize chunkSize) {
		this.chunkSize = chunkSize;
	}

	public Durability getDurability() {
		return this.durability;
	}

	public void setDurability(Durability durability) {
		this.durability = durability;
	}

	public int getReplicas() {
		return this.replicas;
	}

	public void setReplicas(int replicas) {
		this.replicas = replicas;
	}

	public Duration getReplicationTimeout() {
		return this.replicationTimeout;
	}

	public void setReplicationTimeout(Duration replicationTimeout) {
		this.replicationTimeout = replicationTimeout;
	}

	public Duration getLogTimeout() {
		return this.logTimeout;
	}

	public void setLogTimeout(Duration logTimeout) {
		this.logTimeout = logTimeout;
	}

	public Duration getRetryBackoff() {
		return this.retryBackoff;
	}

	public void setRetryBackoff(Duration retryBackoff) {
		this.retryBackoff = retryBackoff;
	}

	public Duration getRestoreTimeout() {
		return this.restoreTimeout;
	}

	public void setRestoreTimeout(Duration restoreTimeout) {
		this.restoreTimeout = restoreTimeout;
	}

	public int getFailureThreshold() {
		return this.failureThreshold;
	}

	public void setFailureThreshold(int failureThreshold) {
		this.failureThreshold = failureThreshold;
	}

	public int getRememberedCalls() {
		return this.rememberedCalls;
	}

	public void setRememberedCalls(int rememberedCalls) {
		this.rememberedCalls = rememberedCalls;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	void validate() {
		positive("interval", this.interval);
		positive("replication-timeout", this.replicationTimeout);
		positive("log-timeout", this.logTimeout);
		positive("retry-backoff", this.retryBackoff);
		positive("restore-timeout", this.restoreTimeout);
		if (this.keep < 1) {
			throw invalid("keep", this.keep, "must be >= 1");
		}
		long chunk = this.chunkSize.toBytes();
		if (chunk < 1024 || chunk > 512L * 1024 * 1024) {
			throw invalid("chunk-size", this.chunkSize, "must be between 1KB and 512MB (the largest Redis value)");
		}
		if (this.replicas < 1) {
			throw invalid("replicas", this.replicas, "must be >= 1");
		}
		if (this.failureThreshold < 1) {
			throw invalid("failure-threshold", this.failureThreshold, "must be >= 1");
		}
		if (this.rememberedCalls < 0) {
			throw invalid("remembered-calls", this.rememberedCalls, "must be >= 0");
		}
		if (this.nodeId != null && !this.nodeId.matches("[A-Za-z0-9._:@-]+")) {
			throw invalid("node-id", this.nodeId, "must consist of letters, digits and . _ : @ -");
		}
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw invalid(name, value, "must be > 0");
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String name, Object value, String reason) {
		return new InvalidConfigurationPropertyValueException("resilient-rpc.checkpoint." + name, value, reason);
	}

}
