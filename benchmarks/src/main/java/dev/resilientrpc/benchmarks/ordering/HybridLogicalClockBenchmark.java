package dev.resilientrpc.benchmarks.ordering;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.resilientrpc.ordering.HybridLogicalClock;

/**
 * The hybrid logical clock's tick, the one piece of ordering on every call's path (client
 * and server), alone and with all threads ticking one clock.
 *
 * <pre>
 * benchmarks/run.sh jmh HybridLogicalClockBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HybridLogicalClockBenchmark {

	private final HybridLogicalClock clock = new HybridLogicalClock(Clock.systemUTC(), Duration.ofMillis(500));

	private final long received = this.clock.now();

	@Benchmark
	@Threads(1)
	public long nowOneThread() {
		return this.clock.now();
	}

	@Benchmark
	@Threads(4)
	public long nowFourThreads() {
		return this.clock.now();
	}

	@Benchmark
	@Threads(1)
	public long receiveOneThread() {
		return this.clock.receive(this.received);
	}

	@Benchmark
	@Threads(1)
	public long parse() {
		return HybridLogicalClock.parse("111411200000000001");
	}

}
