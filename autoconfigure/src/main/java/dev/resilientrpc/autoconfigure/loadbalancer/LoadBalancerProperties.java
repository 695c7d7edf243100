package dev.resilientrpc.autoconfigure.loadbalancer;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties of the consistent-hash load balancer.
 */
@ConfigurationProperties("resilient-rpc.load-balancer")
public class LoadBalancerProperties {

	/**
	 * Points on the hash ring per instance of weight 1. More points spread keys more
	 * evenly (160 keeps the busiest of 10 instances within about 1.2 times the average)
	 * at the cost of memory and build time.
	 */
	private int virtualNodes = 160;

	/**
	 * Bounded-loads factor, greater than 1: an instance whose calls in flight reach this
	 * factor times its fair share is passed over until it has room. Not set: loads are
	 * not bounded.
	 */
	private @Nullable Double loadFactor;

	/**
	 * Weights of instances by base URI, such as "[http://10.0.0.1:8081]": 2. An instance
	 * of weight 2 owns twice the keys of one of weight 1. Instances not listed have their
	 * discovery metadata's weight, or 1.
	 */
	private Map<String, Double> weights = new LinkedHashMap<>();

	private final HealthCheck healthCheck = new HealthCheck();

	private final Discovery discovery = new Discovery();

	public int getVirtualNodes() {
		return this.virtualNodes;
	}

	public void setVirtualNodes(int virtualNodes) {
		this.virtualNodes = virtualNodes;
	}

	public @Nullable Double getLoadFactor() {
		return this.loadFactor;
	}

	public void setLoadFactor(@Nullable Double loadFactor) {
		this.loadFactor = loadFactor;
	}

	public Map<String, Double> getWeights() {
		return this.weights;
	}

	public void setWeights(Map<String, Double> weights) {
		this.weights = weights;
	}

	public HealthCheck getHealthCheck() {
		return this.healthCheck;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	void validate() {
		if (this.virtualNodes <= 0 || this.virtualNodes > 65_536) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.load-balancer.virtual-nodes",
					this.virtualNodes, "must be > 0 and <= 65536");
		}
		if (this.loadFactor != null && (!(this.loadFactor > 1) || this.loadFactor.isInfinite())) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.load-balancer.load-factor",
					this.loadFactor, "must be > 1 (such as 1.25); leave it unset not to bound loads");
		}
		baseUriWeights();
		positive("resilient-rpc.load-balancer.health-check.interval", this.healthCheck.interval);
		positive("resilient-rpc.load-balancer.health-check.timeout", this.healthCheck.timeout);
		if (!this.healthCheck.path.startsWith("/")) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.load-balancer.health-check.path",
					this.healthCheck.path, "must start with '/'");
		}
		positive("resilient-rpc.load-balancer.discovery.refresh-interval", this.discovery.refreshInterval);
	}

	/**
	 * Return the configured weights keyed by {@code scheme://host:port}, checking each.
	 * @return the weights
	 */
	public Map<String, Double> baseUriWeights() {
		Map<String, Double> result = new LinkedHashMap<>();
		this.weights.forEach((key, weight) -> {
			String name = "resilient-rpc.load-balancer.weights[" + key + "]";
			String base = baseUri(key);
			if (base == null) {
				throw new InvalidConfigurationPropertyValueException(name, key,
						"must be keyed by an instance's base URI in brackets, such as [http://localhost:8081]");
			}
			if (weight == null || !(weight > 0) || weight.isInfinite()) {
				throw new InvalidConfigurationPropertyValueException(name, weight, "must be a number > 0");
			}
			result.put(base, weight);
		});
		return result;
	}

	static @Nullable String baseUri(String value) {
		try {
			URI uri = new URI(value.trim());
			if (!uri.isAbsolute() || uri.getHost() == null
					|| !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
				return null;
			}
			return uri.getScheme() + "://" + uri.getRawAuthority();
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private static void positive(String name, Duration value) {
		if (value.isZero() || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "must be > 0");
		}
	}

	/**
	 * Active health check of every instance.
	 */
	public static class HealthCheck {

		/**
		 * Whether to check every instance with an HTTP GET on a schedule and pass over
		 * those that do not answer 2xx.
		 */
		private boolean enabled;

		/**
		 * Path checked on each instance.
		 */
		private String path = "/actuator/health";

		/**
		 * Time between two checks of every instance.
		 */
		private Duration interval = Duration.ofSeconds(10);

		/**
		 * Longest wait for the answer to one check.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) of checks of https instances.
		 * Defaults to the first resilient-rpc.client.services.<name>.ssl.bundle set.
		 */
		private @Nullable String sslBundle;

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Instances from Spring Cloud's DiscoveryClient.
	 */
	public static class Discovery {

		/**
		 * Whether to take the instances of services without configured instances from
		 * Spring Cloud's DiscoveryClient, when one is present.
		 */
		private boolean enabled = true;

		/**
		 * Time between two refreshes of the discovered instances; a discovery heartbeat
		 * event refreshes them too.
		 */
		private Duration refreshInterval = Duration.ofSeconds(30);

		/**
		 * Metadata key that holds an instance's weight.
		 */
		private String weightMetadataKey = "weight";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public String getWeightMetadataKey() {
			return this.weightMetadataKey;
		}

		public void setWeightMetadataKey(String weightMetadataKey) {
			this.weightMetadataKey = weightMetadataKey;
		}

	}

}
