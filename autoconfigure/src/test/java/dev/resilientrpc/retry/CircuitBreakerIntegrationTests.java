package dev.resilientrpc.retry;

import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.StaticServiceInstances;
import dev.resilientrpc.retry.client.RetryClientApplication.ClusterClient;
import dev.resilientrpc.retry.server.FaultServerApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One breaker per instance: service {@code cluster} has three instances, the first of
 * which answers every request with HTTP 502; its breaker opens after two calls with one
 * failure.
 */
class CircuitBreakerIntegrationTests {

	private final RetryFixture fixture = RetryFixture.get();

	@Test
	void anOpenBreakerSendsTheNextAttemptToAnotherInstance() {
		ClusterClient cluster = this.fixture.client(ClusterClient.class);
		String broken = FaultServerApplication.BROKEN_HOST;
		int rejectedBefore = Faults.rejectedBy(broken);
		String first = UUID.randomUUID().toString();
		assertThat(cluster.read(first)).isEqualTo("ok " + first);
		assertThat(Faults.rejectedBy(broken) - rejectedBefore).as("two attempts failed on the broken instance")
			.isEqualTo(2);
		assertThat(Faults.arrivals(first)).singleElement().satisfies((arrival) -> {
			assertThat(arrival.attempt()).isEqualTo("3");
			assertThat(arrival.host()).isEqualTo("127.0.0.1");
		});
		CircuitBreakerRegistry registry = this.fixture.client(CircuitBreakerRegistry.class);
		CircuitBreaker breaker = registry.find("cluster@" + broken + ":" + this.fixture.port()).orElseThrow();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(registry.find("cluster@127.0.0.1:" + this.fixture.port()).orElseThrow().getState())
			.isEqualTo(CircuitBreaker.State.CLOSED);
		ServiceInstance brokenInstance = StaticServiceInstances.instance("cluster",
				java.net.URI.create("http://" + broken + ":" + this.fixture.port()), "/rpc");
		assertThat(this.fixture.client(InstanceAvailability.class).isAvailable(brokenInstance)).isFalse();

		String second = UUID.randomUUID().toString();
		assertThat(cluster.read(second)).isEqualTo("ok " + second);
		assertThat(Faults.rejectedBy(broken) - rejectedBefore).as("the open breaker kept calls away").isEqualTo(2);
		assertThat(Faults.arrivals(second)).singleElement().satisfies((arrival) -> {
			assertThat(arrival.attempt()).isEqualTo("1");
			assertThat(arrival.host()).isEqualTo("127.0.0.1");
		});
		MeterRegistry meters = this.fixture.client(MeterRegistry.class);
		assertThat(meters
			.counter("resilientrpc.client.circuitbreaker.transitions", "service", "cluster", "name", breaker.getName(),
					"from", "CLOSED", "to", "OPEN")
			.count()).isEqualTo(1);
		assertThat(meters
			.counter("resilientrpc.client.retries", "service", "cluster", "method", "cluster.read", "reason",
					"transport")
			.count()).isEqualTo(2);
	}

}
