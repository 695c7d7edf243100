package dev.resilientrpc.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.resilientrpc.sample.demo.DemoOptions;
import dev.resilientrpc.sample.demo.DemoReport;
import dev.resilientrpc.sample.demo.DemoRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's scenarios as tests: kv nodes as real processes started from a private copy
 * of the sample's jar, sharing an embedded Redis (never a configured one: a test touches
 * no Redis it did not start), writes under load, a fault in the middle, and the run's
 * history judged by the {@link dev.resilientrpc.sample.history.HistoryChecker}.
 * <p>
 * The node faults run always. The two Redis faults run with {@code -Ddemo.scenarios=all}:
 * the build covers them elsewhere at less cost ({@code SlotClusterTests} loses all of
 * Redis's data under load, {@code ChaosIT} restarts Redis under load), and the CI budget
 * has room for the demo's node faults only.
 */
class DemoScenarioIT {

	private static final List<String> SHORT = List.of("--demo.keys=60", "--demo.threads=3", "--demo.warmup=4",
			"--demo.outage=6", "--demo.recovery=5", "--demo.redis=embedded");

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void killedNodeLosesNoAcknowledgedWriteAndAppliesNoneTwice() throws Exception {
		DemoReport report = run("--demo.fault=kill-node");
		assertThat(report.failovers()).as("the killed node's keys went elsewhere").isPositive();
		assertNothingLost(report);
	}

	@Test
	@EnabledIfSystemProperty(named = "demo.scenarios", matches = "all")
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void redisRestartLosesNoAcknowledgedWriteAndAppliesNoneTwice() throws Exception {
		assertNothingLost(run("--demo.fault=restart-redis"));
	}

	@Test
	@EnabledIfSystemProperty(named = "demo.scenarios", matches = "all")
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void redisLosingItsDataLosesNoAcknowledgedWrite() throws Exception {
		assertNothingLost(run("--demo.fault=flush-redis"));
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void aNodeJoiningAndAnotherLeavingUnderLoadLoseNoAcknowledgedWrite() throws Exception {
		assertNothingLost(run("--demo.fault=scale-out"));
	}

	private static DemoReport run(String fault) throws Exception {
		Path dir = Files.createTempDirectory("resilient-rpc-demo-it-");
		Path jar = Files.copy(sampleJar(), dir.resolve("resilient-rpc-sample-app.jar"));
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		List<String> args = new ArrayList<>(SHORT);
		args.add(fault);
		args.add("--demo.jar=" + jar);
		DemoReport report;
		try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
			report = new DemoRunner(DemoOptions.parse(args), out, false).run();
		}
		finally {
			System.out.println(buffer.toString(StandardCharsets.UTF_8));
		}
		return report;
	}

	private static Path sampleJar() {
		String property = System.getProperty("sample.jar");
		Path jar = (property != null) ? Path.of(property) : Path.of("target", "resilient-rpc-sample-app.jar");
		assertThat(jar).as("the sample's jar, built by the package phase").isRegularFile();
		return jar;
	}

	private static void assertNothingLost(DemoReport report) {
		assertThat(report.keysWritten()).as("keys written").isEqualTo(60);
		assertThat(report.acknowledgedWrites()).as("acknowledged writes").isGreaterThan(report.keysWritten());
		assertThat(report.lost()).as("what the history checker found").isEmpty();
		assertThat(report.lostWrites()).as("lost writes").isZero();
		assertThat(report.appliedTwice()).as("writes applied twice").isZero();
		assertThat(report.inconsistentReads()).as("stale, diverging, phantom or reordered").isZero();
		assertThat(report.keysFound()).isEqualTo(report.keysWritten());
	}

}
