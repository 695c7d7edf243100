package dev.resilientrpc.autoconfigure.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.resilientrpc.observation.DefaultRpcClientObservationConvention;
import dev.resilientrpc.observation.DefaultRpcServerObservationConvention;
import dev.resilientrpc.observation.ResilientRpcMeters;

/**
 * The {@code counters} part of the {@link ResilientRpcEndpoint resilientrpc} endpoint:
 * totals since startup of the meters that say what this process went through, each summed
 * over all its tags. A meter not registered yet (nothing of its kind happened, or its
 * capability is off) counts 0. The dashboard's live counters are these.
 */
public class CounterEndpointContributor implements ResilientRpcEndpointContributor {

	private static final Map<String, String> COUNTERS = counters();

	private final MeterRegistry registry;

	/**
	 * Create a new contributor.
	 * @param registry the registry to read the meters from
	 */
	public CounterEndpointContributor(MeterRegistry registry) {
		this.registry = registry;
	}

	private static Map<String, String> counters() {
		Map<String, String> counters = new LinkedHashMap<>();
		counters.put("serverCalls", DefaultRpcServerObservationConvention.NAME);
		counters.put("clientCalls", DefaultRpcClientObservationConvention.NAME);
		counters.put("attempts", ResilientRpcMeters.CLIENT + "attempts");
		counters.put("retries", ResilientRpcMeters.CLIENT + "retries");
		counters.put("failovers", ResilientRpcMeters.LOAD_BALANCER + "failovers");
		counters.put("stale", ResilientRpcMeters.ORDERING + "stale");
		counters.put("replays", ResilientRpcMeters.ORDERING + "replays");
		counters.put("shed", ResilientRpcMeters.ORDERING + "shed");
		counters.put("checkpoints", ResilientRpcMeters.CHECKPOINT + "written");
		counters.put("checkpointFailures", ResilientRpcMeters.CHECKPOINT + "failed");
		return counters;
	}

	@Override
	public String getName() {
		return "counters";
	}

	/**
	 * Return every counter.
	 * @return the totals by counter name, in a fixed order
	 */
	@Override
	public Map<String, Long> describe() {
		Map<String, Long> totals = new LinkedHashMap<>();
		COUNTERS.forEach((name, meter) -> totals.put(name, total(meter)));
		return totals;
	}

	private long total(String name) {
		double total = 0;
		for (Meter meter : this.registry.find(name).meters()) {
			if (meter instanceof Counter counter) {
				total += counter.count();
			}
			else if (meter instanceof FunctionCounter counter) {
				total += counter.count();
			}
			else if (meter instanceof Timer timer) {
				total += timer.count();
			}
		}
		return Math.round(total);
	}

}
