package dev.resilientrpc.autoconfigure.failover;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.checkpoint.CheckpointLifecycle;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.failover.PartitionLeases;

import org.springframework.context.SmartLifecycle;

/**
 * Holds this node's liveness lease on each of its partitions from just before its state
 * is restored until after the last checkpoint on shutdown, then gives it up so that
 * successors take over at once.
 *
 * <p>
 * The lease is taken before the restore on purpose: the restore acquires a new epoch that
 * fences successors, and a successor that found no lease between that epoch and the lease
 * would acquire a newer epoch still and fence this node instead. A node whose checkpoint
 * is fenced (a zombie replaced by a successor) stops refreshing, so that its keys stay
 * with the successors.
 */
final class FailoverLifecycle implements SmartLifecycle {

	/**
	 * The phase: starts just before {@link CheckpointLifecycle} restores, stops just
	 * after it wrote the last checkpoint.
	 */
	static final int PHASE = CheckpointLifecycle.PHASE - 1;

	private static final Log logger = LogFactory.getLog(FailoverLifecycle.class);

	private final PartitionLeases leases;

	private final CheckpointManager manager;

	private final String nodeId;

	private final List<String> checkpointNames;

	private final Duration leaseTime;

	private final Duration refresh;

	private final String holder;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean failing;

	FailoverLifecycle(PartitionLeases leases, CheckpointManager manager, String nodeId, List<String> checkpointNames,
			Duration leaseTime, Duration refresh) {
		this.leases = leases;
		this.manager = manager;
		this.nodeId = nodeId;
		this.checkpointNames = List.copyOf(checkpointNames);
		this.leaseTime = leaseTime;
		this.refresh = refresh;
		this.holder = nodeId + "/" + UUID.randomUUID();
	}

	@Override
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		refreshAll();
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "rrpc-failover-lease");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::refreshAll, this.refresh.toMillis(), this.refresh.toMillis(),
				TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	private void refreshAll() {
		for (String name : this.checkpointNames) {
			if (this.manager.getStatus(name).fenced()) {
				continue;
			}
			try {
				this.leases.refresh(storeName(name), this.holder, this.leaseTime);
				if (this.failing) {
					this.failing = false;
					logger.info("Liveness lease of '" + storeName(name) + "' refreshed again");
				}
			}
			catch (RuntimeException ex) {
				if (!this.failing) {
					this.failing = true;
					logger.warn("Cannot refresh the liveness lease of '" + storeName(name) + "'; other nodes take its "
							+ "keys over once it expires: " + ex);
				}
			}
		}
	}

	private String storeName(String name) {
		return this.nodeId + "/" + name;
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor == null) {
			return;
		}
		executor.shutdownNow();
		for (String name : this.checkpointNames) {
			try {
				this.leases.release(storeName(name), this.holder);
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot release the liveness lease of '" + storeName(name) + "'; other nodes take its keys "
						+ "over when it expires: " + ex);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
