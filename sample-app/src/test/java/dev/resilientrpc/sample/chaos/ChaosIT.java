package dev.resilientrpc.sample.chaos;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.resilientrpc.sample.chaos.ChaosRun.Client;
import dev.resilientrpc.sample.chaos.Nemesis.Fault;
import dev.resilientrpc.sample.history.History;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite: three kv nodes as separate JVMs, Redis processes, fault proxies on
 * every path, clients writing and reading under a seeded nemesis, and a history checker.
 * The fixed seeds run in CI; {@link #soak()} runs any seed for any time: <pre>
 * ./mvnw -q -pl sample-app -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=ChaosIT#soak -Dchaos.seed=7 -Dchaos.duration=10m
 * </pre> A failing run prints that command with its seed.
 */
class ChaosIT {

	private static final Set<Fault> NODE_AND_NETWORK = EnumSet.of(Fault.KILL, Fault.PAUSE, Fault.PAUSE_THEN_KILL,
			Fault.REDIS_RESTART, Fault.REDIS_PARTITION, Fault.REDIS_LOST_REPLIES, Fault.NODE_PARTITION);

	@Test
	@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
	void seed1NodeAndNetworkFaultsWithPlainClientsAndTheProxy() throws Exception {
		check(new ChaosRun.Options(1, Duration.ofSeconds(30), NODE_AND_NETWORK, List.of(Client.PLAIN, Client.PROXY),
				false, 24, 4, 3, false));
	}

	@Test
	@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
	void seed2ReplicaPromotionWithReplicatedWrites() throws Exception {
		Set<Fault> faults = EnumSet.copyOf(NODE_AND_NETWORK);
		faults.add(Fault.REDIS_PROMOTION);
		check(new ChaosRun.Options(2, Duration.ofSeconds(30), faults, List.of(Client.PLAIN, Client.PROXY), true, 24, 4,
				3, false));
	}

	@Test
	@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
	void seed3PlainCallsToAnyNodeAndMembershipChanges() throws Exception {
		// lost Redis replies with bare clients found a -32002 that had run (an append met
		// a newer epoch on a second run that Lettuce sent after a reconnect); fixed in
		// 6b79f07 and back here after 12 soaks of this seed in a row without a violation
		Set<Fault> faults = EnumSet.of(Fault.MEMBERSHIP, Fault.KILL, Fault.PAUSE, Fault.REDIS_LOST_REPLIES);
		check(new ChaosRun.Options(3, Duration.ofSeconds(30), faults, List.of(Client.BARE, Client.PLAIN, Client.PROXY),
				false, 24, 4, 3, true));
	}

	@Test
	@EnabledIfSystemProperty(named = "chaos.seed", matches = "-?\\d+")
	@Timeout(value = 24, unit = java.util.concurrent.TimeUnit.HOURS)
	void soak() throws Exception {
		Set<Fault> faults = EnumSet.noneOf(Fault.class);
		for (String name : System.getProperty("chaos.faults", names(NODE_AND_NETWORK)).split(",")) {
			faults.add(Fault.valueOf(name.trim().toUpperCase(Locale.ROOT)));
		}
		List<Client> clients = Arrays.stream(System.getProperty("chaos.clients", "PLAIN,PROXY").split(","))
			.map((name) -> Client.valueOf(name.trim().toUpperCase(Locale.ROOT)))
			.toList();
		check(new ChaosRun.Options(Long.parseLong(System.getProperty("chaos.seed")),
				Duration.parse("PT" + System.getProperty("chaos.duration", "60s").toUpperCase(Locale.ROOT)), faults,
				clients, Boolean.getBoolean("chaos.replicated"), Integer.getInteger("chaos.keys", 24),
				Integer.getInteger("chaos.writers", 4), Integer.getInteger("chaos.readers", 3),
				Boolean.getBoolean("chaos.every-node")));
	}

	private static String names(Set<Fault> faults) {
		return String.join(",", faults.stream().map(Enum::name).toList());
	}

	private static void check(ChaosRun.Options options) throws Exception {
		ChaosRun.Result result = new ChaosRun(options, ChaosRun.sampleJar()).run();
		System.out.println(result.report());
		assertThat(result.history().count(History.Outcome.OK, true)).as("acknowledged writes").isPositive();
		assertThat(result.faults()).as("faults injected").isNotEmpty();
		assertThat(result.violations()).as(result.report()).isEmpty();
	}

}
