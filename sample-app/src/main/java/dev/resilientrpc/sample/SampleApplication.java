package dev.resilientrpc.sample;

import java.util.Arrays;
import java.util.List;

import dev.resilientrpc.sample.bench.FailoverWindow;
import dev.resilientrpc.sample.bench.ForwardingCost;
import dev.resilientrpc.sample.bench.GuaranteedWrites;
import dev.resilientrpc.sample.bench.SlotMove;
import dev.resilientrpc.sample.demo.DemoOptions;
import dev.resilientrpc.sample.demo.DemoReport;
import dev.resilientrpc.sample.demo.DemoRunner;
import dev.resilientrpc.sample.node.KvNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Entry point of the sample: {@code node} runs one kv node; {@code demo} (or no argument)
 * runs the demo: Redis, three nodes as processes, a workload, a node killed and
 * restarted, a report; {@code failover-window} and {@code guaranteed-writes} are
 * measurements (see {@code docs/benchmarks.md}).
 */
public final class SampleApplication {

	private SampleApplication() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0 && !args[0].startsWith("--")) ? args[0] : "demo";
		String[] rest = (args.length > 0 && !args[0].startsWith("--")) ? Arrays.copyOfRange(args, 1, args.length)
				: args;
		switch (mode) {
			case "node" -> new SpringApplicationBuilder(KvNodeApplication.class).profiles("node").run(rest);
			case "demo" -> {
				DemoReport report = new DemoRunner(DemoOptions.parse(List.of(rest)), System.out,
						System.console() != null)
					.run();
				System.exit((report.lostWrites() == 0 && report.appliedTwice() == 0) ? 0 : 1);
			}
			case "failover-window" -> FailoverWindow.main(rest);
			case "guaranteed-writes" -> GuaranteedWrites.main(rest);
			case "forwarding-cost" -> ForwardingCost.main(rest);
			case "slot-move" -> SlotMove.main(rest);
			default -> {
				System.err.println("Unknown mode '" + mode + "': use 'node', 'demo', 'failover-window', "
						+ "'guaranteed-writes', 'forwarding-cost' or 'slot-move'");
				System.exit(2);
			}
		}
	}

}
