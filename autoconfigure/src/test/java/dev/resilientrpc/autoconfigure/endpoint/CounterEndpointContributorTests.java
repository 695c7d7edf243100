package dev.resilientrpc.autoconfigure.endpoint;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CounterEndpointContributor}.
 */
class CounterEndpointContributorTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final CounterEndpointContributor contributor = new CounterEndpointContributor(this.registry);

	@Test
	void everyCounterIsZeroBeforeAnythingHappened() {
		assertThat(this.contributor.describe()).containsOnlyKeys("serverCalls", "clientCalls", "attempts", "retries",
				"failovers", "stale", "replays", "shed", "checkpoints", "checkpointFailures");
		assertThat(this.contributor.describe().values()).containsOnly(0L);
	}

	@Test
	void aCounterIsTheSumOverAllTagsOfItsMeter() {
		Counter.builder("resilientrpc.client.retries")
			.tags("method", "kv.put", "reason", "connect")
			.register(this.registry)
			.increment(3);
		Counter.builder("resilientrpc.client.retries")
			.tags("method", "kv.get", "reason", "timeout")
			.register(this.registry)
			.increment(4);
		AtomicLong failovers = new AtomicLong(5);
		FunctionCounter.builder("resilientrpc.loadbalancer.failovers", failovers, AtomicLong::get)
			.tag("service", "kv")
			.register(this.registry);
		Timer calls = Timer.builder("rpc.server.call.duration").tag("rpc.method", "kv.put").register(this.registry);
		calls.record(Duration.ofMillis(1));
		calls.record(Duration.ofMillis(2));
		Timer.builder("rpc.server.call.duration")
			.tag("rpc.method", "kv.get")
			.register(this.registry)
			.record(Duration.ofMillis(1));
		// a gauge of another name that starts the same is not counted
		Gauge.builder("rpc.server.call.duration.active", () -> 99).register(this.registry);
		assertThat(this.contributor.describe()).containsEntry("retries", 7L)
			.containsEntry("failovers", 5L)
			.containsEntry("serverCalls", 3L)
			.containsEntry("clientCalls", 0L);
		failovers.set(8);
		assertThat(this.contributor.describe()).containsEntry("failovers", 8L);
	}

}
