package dev.resilientrpc.ordering;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * What every {@link OrderingStore} does; each implementation's tests extend this class.
 */
abstract class OrderingStoreContractTests {

	private static final StoredOutcome RESULT = StoredOutcome.result("{\"x\":1}");

	private static final StoredOutcome ERROR = StoredOutcome
		.error("{\"code\":-32000,\"message\":\"Application error\"}");

	/**
	 * Return the store under test.
	 * @return the store
	 */
	abstract OrderingStore store();

	/**
	 * Return a key no other test uses.
	 * @param name a name for readers of failures
	 * @return the key
	 */
	abstract String unique(String name);

	static OrderingSlot slot(String key, long timestamp) {
		return new OrderingSlot(key, timestamp, StalePolicy.REJECT);
	}

	static OrderingSlot ignoring(String key, long timestamp) {
		return new OrderingSlot(key, timestamp, StalePolicy.IGNORE);
	}

	/** An attempt: a ticket and the store's decision about it. */
	record Attempt(Ticket ticket, Admission admission) {

		Admission.Decision decision() {
			return this.admission.getDecision();
		}

	}

	Attempt begin(@Nullable OrderingSlot slot, @Nullable IdempotencyClaim claim) {
		Ticket ticket = Ticket.of(slot, claim);
		return new Attempt(ticket, store().begin(ticket));
	}

	Admission.Decision decide(@Nullable OrderingSlot slot, @Nullable IdempotencyClaim claim) {
		return begin(slot, claim).decision();
	}

	/** Begin and end an attempt that executes. */
	void run(@Nullable OrderingSlot slot, @Nullable IdempotencyClaim claim, @Nullable StoredOutcome outcome) {
		Attempt attempt = begin(slot, claim);
		assertThat(attempt.decision()).isEqualTo(Admission.Decision.ADMITTED);
		store().end(attempt.ticket(), true, outcome);
	}

	@Test
	void aSampleOfHighWaterMarksShowsKeysWithTheirMarksAndIsBounded() {
		String plain = unique("sample");
		String braced = unique("{sample}%7B");
		long now = System.currentTimeMillis() << 16;
		run(slot(plain, now + 1), null, null);
		run(slot(braced, now + 2), null, null);

		Map<String, Long> sample = store().sampleHighWaterMarks(100_000);
		assertThat(sample).containsEntry(plain, now + 1).containsEntry(braced, now + 2);
		assertThat(store().sampleHighWaterMarks(1)).hasSize(1);
	}

	@Test
	void firstClaimIsAdmittedAndADuplicateIsInFlightUntilTheOutcomeIsReplayed() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		Attempt first = begin(null, claim);
		assertThat(first.decision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.IN_FLIGHT);
		store().end(first.ticket(), true, RESULT);
		Admission replay = begin(null, claim).admission();
		assertThat(replay.getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(replay.getOutcome()).isEqualTo(RESULT);
	}

	@Test
	void errorsAreReplayedLikeResults() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		run(null, claim, ERROR);
		assertThat(begin(null, claim).admission().getOutcome()).isEqualTo(ERROR);
	}

	@Test
	void keyWithAnotherFingerprintIsReused() {
		String key = unique("idem");
		Attempt first = begin(null, new IdempotencyClaim(key, "fp1"));
		assertThat(decide(null, new IdempotencyClaim(key, "fp2"))).isEqualTo(Admission.Decision.KEY_REUSED);
		store().end(first.ticket(), true, RESULT);
		assertThat(decide(null, new IdempotencyClaim(key, "fp2"))).isEqualTo(Admission.Decision.KEY_REUSED);
	}

	@Test
	void claimOfACallThatDidNotRunIsForgotten() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		store().end(begin(null, claim).ticket(), false, null);
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void endOfAnAttemptThatTookNothingLeavesNoRecordAndTouchesNoOtherAttempt() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		store().end(Ticket.of(null, claim), true, RESULT);
		Attempt first = begin(null, claim);
		assertThat(first.decision()).isEqualTo(Admission.Decision.ADMITTED);
		Attempt duplicate = begin(null, claim);
		assertThat(duplicate.decision()).isEqualTo(Admission.Decision.IN_FLIGHT);
		store().end(duplicate.ticket(), false, null);
		store().end(duplicate.ticket(), true, ERROR);
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.IN_FLIGHT);
		store().end(first.ticket(), true, RESULT);
		assertThat(begin(null, claim).admission().getOutcome()).isEqualTo(RESULT);
	}

	@Test
	void orderedCallsAreAdmittedInIncreasingTimestampOrderOnly() {
		String key = unique("order");
		assertThat(store().findHighWaterMark(key)).isEmpty();
		Attempt first = begin(slot(key, 100), null);
		assertThat(first.decision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(100);
		store().end(first.ticket(), true, null);
		Admission equal = begin(slot(key, 100), null).admission();
		assertThat(equal.getDecision()).isEqualTo(Admission.Decision.STALE);
		assertThat(equal.getHighWaterMark()).isEqualTo(100);
		assertThat(decide(slot(key, 99), null)).isEqualTo(Admission.Decision.STALE);
		assertThat(decide(slot(key, 101), null)).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(101);
	}

	@Test
	void largeTimestampsCompareExactly() {
		String key = unique("order");
		long base = HybridLogicalClock.timestamp(1_700_000_000_000L, 0);
		run(slot(key, base + 1), null, null);
		assertThat(decide(slot(key, base), null)).isEqualTo(Admission.Decision.STALE);
		assertThat(decide(slot(key, base + 1), null)).isEqualTo(Admission.Decision.STALE);
		run(slot(key, base + 2), null, null);
		assertThat(decide(slot(key, Long.MAX_VALUE), null)).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(Long.MAX_VALUE);
	}

	@Test
	void keyIsBusyWhileACallRunsAndFreeAfterItEnds() {
		String key = unique("order");
		Attempt running = begin(slot(key, 100), null);
		Admission busy = begin(slot(key, 200), null).admission();
		assertThat(busy.getDecision()).isEqualTo(Admission.Decision.BUSY);
		assertThat(busy.getHighWaterMark()).isEqualTo(100);
		store().end(Ticket.of(slot(key, 100), null), true, null);
		assertThat(decide(slot(key, 200), null)).isEqualTo(Admission.Decision.BUSY);
		store().end(running.ticket(), true, null);
		assertThat(decide(slot(key, 200), null)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void retryOfAKnownOrderedCallIsReplayedAlthoughItsTimestampIsTheHighWaterMark() {
		String key = unique("order");
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		Attempt first = begin(slot(key, 100), claim);
		assertThat(first.decision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(decide(slot(key, 100), claim)).isEqualTo(Admission.Decision.IN_FLIGHT);
		store().end(first.ticket(), true, RESULT);
		run(slot(key, 300), null, null);
		Admission retry = begin(slot(key, 100), claim).admission();
		assertThat(retry.getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(retry.getOutcome()).isEqualTo(RESULT);
	}

	@Test
	void orderedClaimIsSeparateFromTheUnorderedOneAndFromOtherKeys() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		String key = unique("order");
		run(slot(key, 100), claim, RESULT);
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(decide(slot(unique("other"), 100), claim)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void staleCallWithRejectPolicyLeavesNoRecord() {
		String key = unique("order");
		run(slot(key, 100), null, null);
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		assertThat(decide(slot(key, 50), claim)).isEqualTo(Admission.Decision.STALE);
		assertThat(decide(slot(key, 50), claim)).isEqualTo(Admission.Decision.STALE);
	}

	@Test
	void staleCallWithIgnorePolicyIsRecordedAsANullResult() {
		String key = unique("order");
		run(slot(key, 100), null, null);
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		assertThat(decide(ignoring(key, 50), claim)).isEqualTo(Admission.Decision.STALE);
		Admission retry = begin(ignoring(key, 50), claim).admission();
		assertThat(retry.getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(retry.getOutcome()).isEqualTo(StoredOutcome.NULL_RESULT);
	}

	@Test
	void orderedCallThatDidNotRunGivesBackItsPlaceAndItsClaim() {
		String key = unique("order");
		run(slot(key, 50), null, null);
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		Attempt attempt = begin(slot(key, 100), claim);
		assertThat(attempt.decision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(100);
		store().end(attempt.ticket(), false, null);
		assertThat(store().findHighWaterMark(key)).hasValue(50);
		assertThat(decide(slot(key, 100), claim)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void firstCallOfAKeyThatDidNotRunLeavesTheKeyUnknown() {
		String key = unique("order");
		store().end(begin(slot(key, 100), null).ticket(), false, null);
		assertThat(store().findHighWaterMark(key)).isEmpty();
		assertThat(decide(slot(key, 10), null)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void endOfAnotherAttemptDoesNotUnlockTheKeyNorMoveTheMarkBack() {
		String key = unique("order");
		begin(slot(key, 100), null);
		store().end(Ticket.of(slot(key, 100), null), false, null);
		assertThat(store().findHighWaterMark(key)).hasValue(100);
		assertThat(decide(slot(key, 200), null)).isEqualTo(Admission.Decision.BUSY);
	}

	@Test
	void keysThatDifferOnlyInBracesOrEscapesStayApart() {
		String base = unique("k");
		String[] keys = { base + "{a}", base + "%7Ba%7D", base + "}", base + "%7D", base + "{", base + "%" };
		long timestamp = 10;
		for (String key : keys) {
			run(slot(key, timestamp--), null, null);
		}
		timestamp = 10;
		for (String key : keys) {
			assertThat(store().findHighWaterMark(key)).as(key).hasValue(timestamp--);
		}
	}

	@Test
	void ticketNeedsASlotOrAClaim() {
		assertThatIllegalArgumentException().isThrownBy(() -> Ticket.of(null, null));
	}

	@Test
	void executedCallWithAClaimNeedsAnOutcome() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		Attempt attempt = begin(null, claim);
		assertThatIllegalArgumentException().isThrownBy(() -> store().end(attempt.ticket(), true, null));
	}

}
