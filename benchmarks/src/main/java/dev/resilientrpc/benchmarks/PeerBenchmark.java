package dev.resilientrpc.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.benchmarks.peer.KvPath;
import dev.resilientrpc.benchmarks.peer.PeerWorkload;
import dev.resilientrpc.benchmarks.peer.PhaseResult;
import dev.resilientrpc.benchmarks.peer.TcpPath;
import dev.resilientrpc.benchmarks.peer.feign.FeignPath;
import dev.resilientrpc.benchmarks.peer.feign.RestClientPath;
import dev.resilientrpc.benchmarks.peer.grpc.GrpcPath;
import dev.resilientrpc.benchmarks.peer.rpc.RpcPath;

/**
 * Peer benchmark: the same key-value workload (put and get by key, see
 * {@link PeerWorkload}) through resilient-rpc and its peers, each over three server
 * instances on loopback:
 * <ul>
 * <li>{@code rpc}, {@code rpc-ordered}: a {@code @ResilientRpc} proxy (ring, retry,
 * breakers) with timestamp ordering and idempotency off and on;</li>
 * <li>{@code feign}: Spring Cloud OpenFeign + LoadBalancer + Resilience4j breaker and
 * retry;</li>
 * <li>{@code grpc}: gRPC-java unary calls with round robin and retry;</li>
 * <li>{@code rest}: a plain RestClient POST to one instance, the HTTP floor;</li>
 * <li>{@code tcp}: a raw loopback TCP round trip of the same bytes, the physical
 * floor.</li>
 * </ul>
 * Each path and value size runs in a JVM of its own, started with the same flags, with
 * its client and its three servers inside: a warm-up, then a fixed number of calls
 * measured, then (for the paths that balance over the three) the same number of calls
 * during which one instance is stopped at half-way. Prints one table per value size and
 * run, with every figure also as a ratio to resilient-rpc with ordering off.
 *
 * <pre>
 * benchmarks/run.sh PeerBenchmark [--calls=20000] [--warmup=20000] [--threads=8]
 *     [--value-sizes=100,10240] [--keys=1024] [--paths=rpc,rpc-ordered,feign,grpc,rest,tcp]
 *     [--fault=true] [--jvm-args="-Xms1g -Xmx1g -XX:+UseG1GC"] [--fork=true]
 * </pre>
 */
public final class PeerBenchmark {

	private static final String RESULT = "PEER-RESULT ";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private PeerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Drivers.options(args);
		Settings settings = Settings.of(options);
		String childPath = options.get("child-path");
		if (childPath != null) {
			int childSize = Integer.parseInt(options.getOrDefault("child-size", ""));
			for (PhaseResult result : measure(settings, childPath, childSize)) {
				System.out.println(RESULT + mapper.writeValueAsString(result));
			}
			return;
		}
		System.out.printf(Locale.ROOT,
				"PeerBenchmark: paths %s, values %s bytes, %d client threads, %d keys, %d warm-up + %d measured calls%s;%n"
						+ "  %s, %d cores, Java %s%n",
				settings.paths(), settings.valueSizes(), settings.threads(), settings.keys(), settings.warmup(),
				settings.calls(),
				settings.fault() ? ", then " + settings.calls() + " calls with one instance killed" : "",
				settings.fork() ? "each path and size in a JVM of its own: " + String.join(" ", settings.jvmArgs())
						: "all in this JVM",
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
		List<PhaseResult> results = new ArrayList<>();
		for (int size : settings.valueSizes()) {
			for (String path : settings.paths()) {
				System.out.printf(Locale.ROOT, "  running %s with %d-byte values ...%n", path, size);
				results.addAll(settings.fork() ? fork(settings, path, size) : measure(settings, path, size));
			}
		}
		Tables.print(settings, results);
	}

	/**
	 * Open one path: its three servers and its client.
	 */
	static KvPath open(String path, int threads) {
		return switch (path) {
			case "rpc" -> new RpcPath(false);
			case "rpc-ordered" -> new RpcPath(true);
			case "feign" -> new FeignPath();
			case "grpc" -> new GrpcPath();
			case "rest" -> new RestClientPath(threads);
			case "tcp" -> new TcpPath();
			default -> throw new IllegalArgumentException("Unknown path '" + path + "'");
		};
	}

	private static List<PhaseResult> measure(Settings settings, String path, int valueSize)
			throws InterruptedException {
		List<PhaseResult> results = new ArrayList<>();
		try (KvPath kv = open(path, settings.threads())) {
			PeerWorkload workload = new PeerWorkload(kv, path, settings.threads(), settings.keys(), valueSize);
			PhaseResult warmup = workload.run(settings.warmup());
			if (warmup.failed() > 0 || warmup.wrong() > 0) {
				System.err.printf(Locale.ROOT, "%s: %d failed and %d wrong calls in the warm-up, e.g. %s%n", path,
						warmup.failed(), warmup.wrong(), warmup.sampleFailure());
			}
			results.add(workload.run(settings.calls()));
			if (settings.fault() && kv.survivesKill()) {
				results.add(workload.runWithKill(settings.calls()));
			}
		}
		return results;
	}

	private static List<PhaseResult> fork(Settings settings, String path, int valueSize)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		command.addAll(settings.jvmArgs());
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerBenchmark.class.getName(),
				"--child-path=" + path, "--child-size=" + valueSize, "--calls=" + settings.calls(),
				"--warmup=" + settings.warmup(), "--threads=" + settings.threads(), "--keys=" + settings.keys(),
				"--fault=" + settings.fault(), "--fork=false"));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		List<PhaseResult> results = Collections.synchronizedList(new ArrayList<>());
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (line.startsWith(RESULT)) {
						results.add(mapper.readValue(line.substring(RESULT.length()), PhaseResult.class));
					}
					else {
						System.out.println("    [" + path + "] " + line);
					}
				}
			}
			catch (IOException ex) {
				System.err.println(path + ": " + ex);
			}
		}, "peer-child-output");
		reader.start();
		if (!process.waitFor(settings.childTimeoutSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			System.err.printf(Locale.ROOT, "%s with %d-byte values did not finish in %d s: stopped%n", path, valueSize,
					settings.childTimeoutSeconds());
		}
		reader.join();
		if (process.exitValue() != 0) {
			System.err.printf(Locale.ROOT, "%s with %d-byte values exited with %d%n", path, valueSize,
					process.exitValue());
		}
		return new ArrayList<>(results);
	}

	/**
	 * The options of a run.
	 *
	 * @param paths the paths, in the order run and printed
	 * @param valueSizes value sizes in bytes
	 * @param threads client threads
	 * @param keys keys in all
	 * @param warmup warm-up calls
	 * @param calls measured calls, and calls of the fault run
	 * @param fault whether to run the fault run
	 * @param fork whether to run each path and size in a JVM of its own
	 * @param jvmArgs the flags of those JVMs
	 * @param childTimeoutSeconds how long one of them may run
	 */
	record Settings(List<String> paths, List<Integer> valueSizes, int threads, int keys, int warmup, int calls,
			boolean fault, boolean fork, List<String> jvmArgs, long childTimeoutSeconds) {

		static Settings of(Map<String, String> options) {
			int calls = Integer.parseInt(options.getOrDefault("calls", "20000"));
			return new Settings(
					List.of(options.getOrDefault("paths", "rpc,rpc-ordered,feign,grpc,rest,tcp").split(",")),
					Arrays.stream(options.getOrDefault("value-sizes", "100,10240").split(","))
						.map(Integer::valueOf)
						.toList(),
					Integer.parseInt(options.getOrDefault("threads", "8")),
					Integer.parseInt(options.getOrDefault("keys", "1024")),
					Integer.parseInt(options.getOrDefault("warmup", Integer.toString(calls))), calls,
					Boolean.parseBoolean(options.getOrDefault("fault", "true")),
					Boolean.parseBoolean(options.getOrDefault("fork", "true")),
					List.of(options.getOrDefault("jvm-args", "-Xms1g -Xmx1g -XX:+UseG1GC").trim().split("\\s+")),
					Long.parseLong(options.getOrDefault("child-timeout", "1800")));
		}

	}

	/**
	 * The printed tables.
	 */
	static final class Tables {

		private Tables() {
		}

		static void print(Settings settings, List<PhaseResult> results) {
			for (int size : settings.valueSizes()) {
				List<PhaseResult> steady = select(results, size, "steady");
				System.out.printf(Locale.ROOT, "%n### %d-byte values: %d calls after %d warm-up, %d threads%n%n", size,
						settings.calls(), settings.warmup(), settings.threads());
				System.out.println("| path | calls/s | p50 µs | p99 µs | p99.9 µs | CPU µs/call | alloc KB/call"
						+ " | failed | wrong |");
				System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
				PhaseResult base = baseline(steady);
				for (PhaseResult r : steady) {
					System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %d | %d |%n", label(r.path()),
							cell(r, base, PhaseResult::throughput, 1), cell(r, base, PhaseResult::p50, 1e-3),
							cell(r, base, PhaseResult::p99, 1e-3), cell(r, base, PhaseResult::p999, 1e-3),
							cell(r, base, PhaseResult::cpuNanosPerCall, 1e-3),
							cell(r, base, PhaseResult::allocatedBytesPerCall, 1.0 / 1024), r.failed(), r.wrong());
				}
				List<PhaseResult> fault = select(results, size, "fault");
				if (!fault.isEmpty()) {
					System.out.printf(Locale.ROOT,
							"%n### %d-byte values, one of three instances killed after %d of %d calls%n%n", size,
							settings.calls() / 2, settings.calls());
					System.out.println("| path | success in outage | p99 µs in outage | p99.9 µs in outage"
							+ " | calls/s in outage | failed / calls | wrong | kill took ms |");
					System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
					PhaseResult faultBase = baseline(fault);
					for (PhaseResult r : fault) {
						System.out.printf(Locale.ROOT, "| %s | %.2f%% (%.2f) | %s | %s | %s | %d / %d | %d | %.0f |%n",
								label(r.path()), 100 * r.outageSuccess(),
								ratio(r.outageSuccess(), faultBase.outageSuccess()),
								cell(r, faultBase, PhaseResult::outageP99, 1e-3),
								cell(r, faultBase, PhaseResult::outageP999, 1e-3),
								cell(r, faultBase, PhaseResult::outageThroughput, 1), r.failed(), r.calls(), r.wrong(),
								r.killMillis());
					}
				}
			}
			results.stream()
				.filter((r) -> r.sampleFailure() != null)
				.forEach((r) -> System.out.printf(Locale.ROOT, "%n%s, %d bytes, %s: first failure: %s", r.path(),
						r.valueSize(), r.phase(), r.sampleFailure()));
			System.out.printf(Locale.ROOT, "%n%nIn brackets: the ratio to %s in the same table (for calls/s and"
					+ " success above 1 is better, for the others below 1 is better).%n"
					+ "CPU: process CPU time of the path's JVM (client, its three servers, GC and JIT) over the"
					+ " measured calls, per call.%n"
					+ "alloc: heap bytes allocated by all threads of that JVM (ThreadMXBean.getTotalThreadAllocatedBytes)"
					+ " over the measured calls, per call.%n"
					+ "Latencies cover every call, failed ones too; the outage holds the calls that ended after the"
					+ " kill began; failed: calls that threw after the path's own retries; wrong: gets that did not"
					+ " return the value put last.%n", label(baseline(results).path()));
		}

		private static List<PhaseResult> select(List<PhaseResult> results, int size, String phase) {
			return results.stream().filter((r) -> r.valueSize() == size && r.phase().equals(phase)).toList();
		}

		private static PhaseResult baseline(List<PhaseResult> results) {
			return results.stream().filter((r) -> r.path().equals("rpc")).findFirst().orElse(results.get(0));
		}

		private static String cell(PhaseResult result, PhaseResult base, ToDoubleFunction<PhaseResult> metric,
				double scale) {
			double value = metric.applyAsDouble(result);
			if (value < 0) {
				return "-";
			}
			String format = (value * scale < 10) ? "%.1f (%.2f)" : "%.0f (%.2f)";
			return String.format(Locale.ROOT, format, value * scale, ratio(value, metric.applyAsDouble(base)));
		}

		private static double ratio(double value, double base) {
			return (base > 0) ? value / base : Double.NaN;
		}

		private static String label(String path) {
			return switch (path) {
				case "rpc" -> "resilient-rpc, ordering off";
				case "rpc-ordered" -> "resilient-rpc, ordering on";
				case "feign" -> "OpenFeign + LoadBalancer + Resilience4j";
				case "grpc" -> "gRPC-java";
				case "rest" -> "RestClient, 1 instance (HTTP floor)";
				case "tcp" -> "raw TCP, 1 instance (floor)";
				default -> path;
			};
		}

	}

}
