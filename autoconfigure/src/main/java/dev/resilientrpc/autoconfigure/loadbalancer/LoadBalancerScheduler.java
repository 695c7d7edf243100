package dev.resilientrpc.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.loadbalancer.ActiveHealthCheck;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;
import dev.resilientrpc.loadbalancer.RefreshableServiceInstances;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the background work of the balancer on one daemon thread: refreshing discovered
 * instances (and rebuilding the rings they change, off the callers' threads) and the
 * active health check.
 */
class LoadBalancerScheduler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(LoadBalancerScheduler.class);

	private final @Nullable ConsistentHashLoadBalancer balancer;

	private final @Nullable RefreshableServiceInstances discovery;

	private final Duration refreshInterval;

	private final @Nullable ActiveHealthCheck healthCheck;

	private final Duration healthCheckInterval;

	private volatile @Nullable ScheduledExecutorService executor;

	LoadBalancerScheduler(@Nullable ConsistentHashLoadBalancer balancer,
			@Nullable RefreshableServiceInstances discovery, Duration refreshInterval,
			@Nullable ActiveHealthCheck healthCheck, Duration healthCheckInterval) {
		this.balancer = balancer;
		this.discovery = discovery;
		this.refreshInterval = refreshInterval;
		this.healthCheck = healthCheck;
		this.healthCheckInterval = healthCheckInterval;
	}

	@Override
	public void start() {
		if (this.discovery == null && this.healthCheck == null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "resilient-rpc-load-balancer");
			thread.setDaemon(true);
			return thread;
		});
		if (this.discovery != null) {
			long millis = this.refreshInterval.toMillis();
			executor.scheduleWithFixedDelay(this::refreshDiscovery, millis, millis, TimeUnit.MILLISECONDS);
		}
		if (this.healthCheck != null) {
			long millis = this.healthCheckInterval.toMillis();
			executor.scheduleWithFixedDelay(this::checkHealth, 0, millis, TimeUnit.MILLISECONDS);
		}
		this.executor = executor;
	}

	/**
	 * Refresh the discovered instances soon, on the scheduler's thread.
	 */
	void refreshDiscoverySoon() {
		ScheduledExecutorService executor = this.executor;
		if (executor != null && this.discovery != null) {
			try {
				executor.execute(this::refreshDiscovery);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	void refreshDiscovery() {
		RefreshableServiceInstances discovery = this.discovery;
		if (discovery == null) {
			return;
		}
		try {
			for (String service : discovery.refresh()) {
				if (this.balancer != null) {
					this.balancer.refresh(service);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot refresh discovered instances", ex);
		}
	}

	private void checkHealth() {
		try {
			if (this.healthCheck != null) {
				this.healthCheck.check();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Health check failed", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

}
