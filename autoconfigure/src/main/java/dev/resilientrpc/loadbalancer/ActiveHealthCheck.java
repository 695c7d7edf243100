package dev.resilientrpc.loadbalancer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.resilientrpc.cluster.ServiceInstance;

import org.springframework.util.Assert;

/**
 * Sends {@code GET <scheme>://<host>:<port><path>} to every member of every ring the
 * balancer knows, all at once, and passes over an instance whose answer is not a 2xx
 * within the timeout until a later check succeeds. Calls {@link #check()} on a schedule
 * of your choice.
 */
public class ActiveHealthCheck {

	private static final Log logger = LogFactory.getLog(ActiveHealthCheck.class);

	private final ConsistentHashLoadBalancer balancer;

	private final HttpClient httpClient;

	private final String path;

	private final Duration timeout;

	/**
	 * Create a new health check.
	 * @param balancer the balancer whose instances to check
	 * @param httpClient the client that sends the checks
	 * @param path the path to check on each instance, such as {@code /actuator/health}
	 * @param timeout how long to wait for each answer
	 */
	public ActiveHealthCheck(ConsistentHashLoadBalancer balancer, HttpClient httpClient, String path,
			Duration timeout) {
		Assert.isTrue(path.startsWith("/"), () -> "path: " + path + " (expected: starting with '/')");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), () -> "timeout: " + timeout + " (expected: > 0)");
		this.balancer = balancer;
		this.httpClient = httpClient;
		this.path = path;
		this.timeout = timeout;
	}

	/**
	 * Check every instance once and wait for the outcomes.
	 * @return the number of instances that failed the check
	 */
	public int check() {
		List<InstanceState> members = this.balancer.memberStates();
		List<CompletableFuture<Boolean>> outcomes = new ArrayList<>(members.size());
		for (InstanceState member : members) {
			outcomes.add(check(member));
		}
		int failed = 0;
		for (CompletableFuture<Boolean> outcome : outcomes) {
			if (!outcome.join()) {
				failed++;
			}
		}
		return failed;
	}

	private CompletableFuture<Boolean> check(InstanceState member) {
		URI uri = healthUri(member.instance);
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(this.timeout).GET().build();
		return this.httpClient.sendAsync(request, HttpResponse.BodyHandlers.discarding())
			.orTimeout(this.timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
			.handle((response, failure) -> {
				boolean healthy = failure == null && response.statusCode() / 100 == 2;
				if (member.healthCheckFailed(!healthy)) {
					if (healthy) {
						logger.info("Health check of " + member.instance + " at " + uri + " succeeded: taking it back");
					}
					else {
						logger.warn("Health check of " + member.instance + " at " + uri + " failed ("
								+ ((failure != null) ? cause(failure) : "HTTP " + response.statusCode())
								+ "): passing it over");
					}
				}
				return healthy;
			});
	}

	URI healthUri(ServiceInstance instance) {
		return instance.endpoint().resolve(this.path);
	}

	private static String cause(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return cause.toString();
	}

}
