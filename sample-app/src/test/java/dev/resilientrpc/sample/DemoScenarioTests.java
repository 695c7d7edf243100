package dev.resilientrpc.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.sample.demo.DemoOptions;
import dev.resilientrpc.sample.demo.DemoReport;
import dev.resilientrpc.sample.demo.DemoRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's scenarios as tests: three kv nodes as real processes sharing an embedded
 * Redis, writes under load, a fault in the middle, and a check of every key afterwards.
 */
class DemoScenarioTests {

	private static final List<String> SHORT = List.of("--demo.keys=60", "--demo.threads=3", "--demo.warmup=4",
			"--demo.outage=6", "--demo.recovery=5");

	@Test
	void killedNodeLosesNoAcknowledgedWriteAndAppliesNoneTwice() throws Exception {
		DemoReport report = run("--demo.fault=kill-node");
		assertThat(report.failovers()).as("the killed node's keys went elsewhere").isPositive();
		assertNothingLost(report);
	}

	@Test
	void redisRestartLosesNoAcknowledgedWriteAndAppliesNoneTwice() throws Exception {
		assertNothingLost(run("--demo.fault=restart-redis"));
	}

	@Test
	void redisLosingItsDataLosesNoAcknowledgedWrite() throws Exception {
		assertNothingLost(run("--demo.fault=flush-redis"));
	}

	private static DemoReport run(String fault) throws Exception {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		List<String> args = new ArrayList<>(SHORT);
		args.add(fault);
		DemoReport report;
		try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
			report = new DemoRunner(DemoOptions.parse(args), out, false).run();
		}
		String output = buffer.toString(StandardCharsets.UTF_8);
		System.out.println(output);
		assertThat(output).contains("lost writes: " + report.lostWrites());
		return report;
	}

	private static void assertNothingLost(DemoReport report) {
		assertThat(report.keysWritten()).as("keys written").isEqualTo(60);
		assertThat(report.acknowledgedWrites()).as("acknowledged writes").isGreaterThan(report.keysWritten());
		assertThat(report.lost()).as("lost keys").isEmpty();
		assertThat(report.lostWrites()).isZero();
		assertThat(report.keysFound()).isEqualTo(report.keysWritten());
		assertThat(report.appliedTwice()).as("writes applied twice").isZero();
		assertThat(report.inconsistentReads()).as("reads that saw neither the acknowledged nor a later value").isZero();
	}

}
