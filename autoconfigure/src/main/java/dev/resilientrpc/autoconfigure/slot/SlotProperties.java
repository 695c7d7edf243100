package dev.resilientrpc.autoconfigure.slot;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.slot.SlotRouter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties of state split into slots
 * ({@link dev.resilientrpc.slot.PartitionedState}).
 */
@ConfigurationProperties("resilient-rpc.slots")
public class SlotProperties {

	/**
	 * Number of slots a partitioned state's keys are split into; every node of the
	 * service (and every client routing by slot) must use the same number. Each slot has
	 * its own checkpoints, command log, epoch and lease.
	 */
	private int count = 64;

	/**
	 * Base URI of this node as it appears in its service's instance list
	 * ('resilient-rpc.client.services.<name>.instances' or discovery), such as
	 * http://10.0.0.1:8081. Defaults to the entry whose port is 'server.port' and whose
	 * host is a loopback or local address.
	 */
	private @Nullable URI instance;

	/**
	 * How long a node's lease on a slot (and its heartbeat) lasts without a refresh:
	 * after a crash, the node's slots are taken this long after its last refresh.
	 */
	private Duration leaseTime = Duration.ofMillis(1500);

	/**
	 * Time between two refreshes of this node's leases and heartbeat; well below the
	 * lease time.
	 */
	private Duration leaseRefresh = Duration.ofMillis(400);

	/**
	 * How long a call waits for its slot to be served here (while the slot moves or is
	 * taken) before it is refused with -32002.
	 */
	private Duration routeWait = Duration.ofSeconds(1);

	/**
	 * How long handing a slot to another node may take before it is given up.
	 */
	private Duration handoffTimeout = Duration.ofSeconds(10);

	/**
	 * What a node does with a call of a slot another node holds: 'forward' it there (one
	 * hop) or 'redirect' the caller (-32008 naming the owner).
	 */
	private SlotRouter.Mode routing = SlotRouter.Mode.FORWARD;

	/**
	 * How long a forwarding node waits for a connection to the slot's holder.
	 */
	private Duration connectTimeout = Duration.ofSeconds(1);

	/**
	 * Retry-After of calls refused because no node serves their slot at the moment.
	 */
	private Duration retryAfter = Duration.ofMillis(200);

	/**
	 * TLS of calls forwarded to the node that holds their slot.
	 */
	private final Ssl ssl = new Ssl();

	public Ssl getSsl() {
		return this.ssl;
	}

	public int getCount() {
		return this.count;
	}

	public void setCount(int count) {
		this.count = count;
	}

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

	public Duration getRouteWait() {
		return this.routeWait;
	}

	public void setRouteWait(Duration routeWait) {
		this.routeWait = routeWait;
	}

	public Duration getHandoffTimeout() {
		return this.handoffTimeout;
	}

	public void setHandoffTimeout(Duration handoffTimeout) {
		this.handoffTimeout = handoffTimeout;
	}

	public SlotRouter.Mode getRouting() {
		return this.routing;
	}

	public void setRouting(SlotRouter.Mode routing) {
		this.routing = routing;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	void validate() {
		if (this.count < 1 || this.count > 16384) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.slots.count", this.count,
					"must be between 1 and 16384");
		}
		positive("lease-time", this.leaseTime);
		positive("lease-refresh", this.leaseRefresh);
		positive("route-wait", this.routeWait);
		positive("handoff-timeout", this.handoffTimeout);
		positive("connect-timeout", this.connectTimeout);
		positive("retry-after", this.retryAfter);
		if (this.leaseRefresh.multipliedBy(2).compareTo(this.leaseTime) > 0) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.slots.lease-refresh", this.leaseRefresh,
					"must be at most half of resilient-rpc.slots.lease-time (" + this.leaseTime
							+ "), so that a late refresh does not let a lease run out");
		}
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.slots." + name, value, "must be > 0");
		}
	}

	/**
	 * TLS of forwarded calls.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) a node forwards calls with: its
		 * trust material checks the other nodes' certificates and its key, if it has one,
		 * is this node's client certificate for mutual TLS. Defaults to the service's
		 * resilient-rpc.client.services.<name>.ssl.bundle.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}
