package dev.resilientrpc.autoconfigure.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.StaticServiceInstances;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties of the JSON-RPC client proxies.
 */
@ConfigurationProperties("resilient-rpc.client")
public class RpcClientProperties {

	/**
	 * Longest wait for a TCP connection to an instance.
	 */
	private Duration connectTimeout = Duration.ofSeconds(1);

	/**
	 * Longest wait for the response to one attempt.
	 */
	private Duration readTimeout = Duration.ofSeconds(10);

	/**
	 * How long an instance that refused a connection is passed over.
	 */
	private Duration instanceCoolDown = Duration.ofSeconds(5);

	/**
	 * Remote services by name.
	 */
	private Map<String, Service> services = new LinkedHashMap<>();

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public Duration getInstanceCoolDown() {
		return this.instanceCoolDown;
	}

	public void setInstanceCoolDown(Duration instanceCoolDown) {
		this.instanceCoolDown = instanceCoolDown;
	}

	public Map<String, Service> getServices() {
		return this.services;
	}

	public void setServices(Map<String, Service> services) {
		this.services = services;
	}

	void validate() {
		positive("resilient-rpc.client.connect-timeout", this.connectTimeout);
		positive("resilient-rpc.client.read-timeout", this.readTimeout);
		if (this.instanceCoolDown.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.client.instance-cool-down",
					this.instanceCoolDown, "must not be negative");
		}
	}

	private static void positive(String name, Duration value) {
		if (value.isZero() || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "must be > 0");
		}
	}

	/**
	 * Build the instances of every configured service, checking each URI.
	 * @return the instances by service
	 */
	public Map<String, List<ServiceInstance>> instances() {
		Map<String, List<ServiceInstance>> result = new LinkedHashMap<>();
		this.services.forEach((name, service) -> {
			String prefix = "resilient-rpc.client.services." + name;
			if (name.contains(".")) {
				throw new InvalidConfigurationPropertyValueException(prefix, name,
						"service names must not contain '.'");
			}
			if (!service.getPath().startsWith("/")) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".path", service.getPath(),
						"must start with '/'");
			}
			List<ServiceInstance> list = new ArrayList<>();
			for (int i = 0; i < service.getInstances().size(); i++) {
				URI uri = service.getInstances().get(i);
				if (!uri.isAbsolute() || uri.getHost() == null
						|| !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
					throw new InvalidConfigurationPropertyValueException(prefix + ".instances[" + i + "]", uri,
							"must be an absolute http or https URI with a host, such as http://localhost:8081");
				}
				if (service.getSsl().getBundle() != null && !"https".equals(uri.getScheme())) {
					throw new InvalidConfigurationPropertyValueException(prefix + ".instances[" + i + "]", uri,
							"must be an https URI, since " + prefix + ".ssl.bundle is set");
				}
				list.add(StaticServiceInstances.instance(name, uri, service.getPath()));
			}
			result.put(name, list);
		});
		return result;
	}

	/**
	 * Return the slot count of every service that routes by slot.
	 * @return slot counts by service name
	 */
	public Map<String, Integer> slots() {
		Map<String, Integer> slots = new LinkedHashMap<>();
		this.services.forEach((name, service) -> {
			if (service.getSlots() != null) {
				slots.put(name, service.getSlots());
			}
		});
		return slots;
	}

	/**
	 * Configuration of one remote service.
	 */
	public static class Service {

		/**
		 * Base URIs of the service's instances, such as http://localhost:8081.
		 */
		private List<URI> instances = new ArrayList<>();

		/**
		 * Path of the JSON-RPC endpoint on each instance.
		 */
		private String path = "/rpc";

		/**
		 * Name of the retry policy of the service's methods (under
		 * resilient-rpc.retry.policies), unless a @ResilientRpc(retry) names another.
		 * Empty for the default policy.
		 */
		private @Nullable String retry;

		/**
		 * Whether every method of the service is safe to repeat after it may have run,
		 * because the server deduplicates calls by Idempotency-Key; timeouts, HTTP 5xx
		 * and the retryable JSON-RPC errors are then retried for every method.
		 */
		private boolean idempotent;

		/**
		 * Number of slots the service's nodes split its state into
		 * (resilient-rpc.slots.count on the nodes): calls then go straight to the node
		 * that holds their key's slot. Unset, calls are routed by the hash of their key
		 * and the nodes forward those that reach the wrong one.
		 */
		private @Nullable Integer slots;

		/**
		 * TLS of the calls to the service.
		 */
		private final Ssl ssl = new Ssl();

		public Ssl getSsl() {
			return this.ssl;
		}

		public List<URI> getInstances() {
			return this.instances;
		}

		public void setInstances(List<URI> instances) {
			this.instances = instances;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public @Nullable String getRetry() {
			return this.retry;
		}

		public void setRetry(@Nullable String retry) {
			this.retry = retry;
		}

		public boolean isIdempotent() {
			return this.idempotent;
		}

		public void setIdempotent(boolean idempotent) {
			this.idempotent = idempotent;
		}

		public @Nullable Integer getSlots() {
			return this.slots;
		}

		public void setSlots(@Nullable Integer slots) {
			this.slots = slots;
		}

	}

	/**
	 * TLS of the calls to one service.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) whose trust material checks the
		 * service's certificates and whose key, if it has one, is this client's
		 * certificate for mutual TLS. Instances must then be https URIs.
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
