package dev.resilientrpc.sample.demo;

import java.util.List;

/**
 * The outcome of a demo run: what was acknowledged, what was found afterwards, what was
 * lost.
 *
 * @param calls calls made
 * @param acknowledgedWrites writes acknowledged during the run
 * @param keysWritten keys with at least one acknowledged write
 * @param keysFound keys whose value after recovery is the last acknowledged one (or a
 * later write whose outcome was unknown)
 * @param lostWrites keys whose last acknowledged write is not there after recovery
 * @param appliedTwice writes that were applied twice (a put that returned its own value)
 * @param inconsistentReads reads or previous values that were neither the last
 * acknowledged value nor a later unknown one
 * @param failedCalls calls that failed after all retries
 * @param retries retried attempts
 * @param failovers attempts that went to another instance than the call's first
 * @param lost up to ten of the lost keys, for the report
 */
public record DemoReport(long calls, long acknowledgedWrites, int keysWritten, int keysFound, int lostWrites,
		long appliedTwice, long inconsistentReads, long failedCalls, long retries, long failovers, List<String> lost) {
}
