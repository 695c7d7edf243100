package dev.resilientrpc.sample.demo;

import java.util.List;

/**
 * The outcome of a demo run: what was acknowledged, what was found afterwards, what was
 * lost.
 *
 * @param calls calls made
 * @param acknowledgedWrites writes acknowledged during the run
 * @param keysWritten keys with at least one acknowledged write
 * @param keysFound keys with an acknowledged write for which the checker found nothing
 * wrong
 * @param lostWrites acknowledged writes missing after recovery (or seen and then gone)
 * @param appliedTwice writes applied twice
 * @param inconsistentReads reads that were stale, values that diverged between nodes or
 * clients, writes that took effect though refused as not executed, or out of order
 * @param failedCalls calls that failed after all retries
 * @param retries retried attempts
 * @param failovers attempts that went to another instance than the call's first
 * @param lost up to ten of the checker's findings, for the report
 */
public record DemoReport(long calls, long acknowledgedWrites, int keysWritten, int keysFound, int lostWrites,
		long appliedTwice, long inconsistentReads, long failedCalls, long retries, long failovers, List<String> lost) {
}
