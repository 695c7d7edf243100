package dev.resilientrpc.benchmarks.peer;

import org.jspecify.annotations.Nullable;

/**
 * What one phase of the workload measured. Latencies are in nanoseconds; the outage
 * fields are {@code -1} except in a fault run.
 *
 * @param path the path's name
 * @param valueSize the size of the values, bytes
 * @param phase {@code steady} or {@code fault}
 * @param calls calls made
 * @param failed calls that threw
 * @param wrong gets that returned another value than the last put of their key
 * @param seconds wall time of the phase
 * @param p50 median latency
 * @param p99 99th percentile latency
 * @param p999 99.9th percentile latency
 * @param cpuNanosPerCall process CPU time of this JVM in the phase, per call
 * @param allocatedBytesPerCall bytes allocated by all threads of this JVM in the phase,
 * per call
 * @param sampleFailure the first failure, if any
 * @param outageCalls calls that ended after the kill began
 * @param outageFailed those of them that threw
 * @param outageSeconds from the kill to the end of the phase
 * @param outageP99 99th percentile latency of the outage calls
 * @param outageP999 99.9th percentile latency of the outage calls
 * @param killMillis how long stopping the instance took
 */
public record PhaseResult(String path, int valueSize, String phase, long calls, long failed, long wrong, double seconds,
		long p50, long p99, long p999, double cpuNanosPerCall, double allocatedBytesPerCall,
		@Nullable String sampleFailure, long outageCalls, long outageFailed, double outageSeconds, long outageP99,
		long outageP999, double killMillis) {

	/**
	 * Calls per second.
	 * @return the throughput
	 */
	public double throughput() {
		return this.calls / this.seconds;
	}

	/**
	 * Share of the outage calls that succeeded.
	 * @return between 0 and 1
	 */
	public double outageSuccess() {
		return (this.outageCalls > 0) ? 1.0 - (double) this.outageFailed / this.outageCalls : 0;
	}

	/**
	 * Calls per second in the outage window.
	 * @return the throughput after the kill
	 */
	public double outageThroughput() {
		return this.outageCalls / this.outageSeconds;
	}

}
