package dev.resilientrpc.autoconfigure.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties of the live dashboard.
 */
@ConfigurationProperties("resilient-rpc.dashboard")
public class DashboardProperties {

	/**
	 * Whether to serve the live dashboard page. It shows what the resilientrpc Actuator
	 * endpoint shows, so that endpoint must be available (exposed) too.
	 */
	private boolean enabled;

	/**
	 * Path of the dashboard page, on the server's port.
	 */
	private String path = "/resilient-rpc";

	/**
	 * How often the page reads the node's state again.
	 */
	private Duration refresh = Duration.ofSeconds(1);

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

	public Duration getRefresh() {
		return this.refresh;
	}

	public void setRefresh(Duration refresh) {
		this.refresh = refresh;
	}

	void validate() {
		if (!this.path.startsWith("/") || this.path.endsWith("/") || this.path.contains("*")) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.dashboard.path", this.path,
					"must start with '/', not end with one and contain no wildcard");
		}
		if (this.refresh.compareTo(Duration.ofMillis(100)) < 0 || this.refresh.compareTo(Duration.ofHours(1)) > 0) {
			throw new InvalidConfigurationPropertyValueException("resilient-rpc.dashboard.refresh", this.refresh,
					"must be between 100ms and 1h");
		}
	}

}
