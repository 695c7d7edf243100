package dev.resilientrpc.ordering;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What every {@link OrderingStore} does; each implementation's tests extend this class.
 */
abstract class OrderingStoreContractTests {

	private static final StoredOutcome RESULT = StoredOutcome.result("{\"x\":1}");

	private static final StoredOutcome ERROR = StoredOutcome.error("{\"code\":-32000,\"message\":\"Application error\"}");

	/**
	 * Return the store under test, empty.
	 * @return the store
	 */
	abstract OrderingStore store();

	/**
	 * Return a key no other test uses.
	 * @param name a name for readers of failures
	 * @return the key
	 */
	abstract String unique(String name);

	private static OrderingSlot slot(String key, long timestamp) {
		return new OrderingSlot(key, timestamp, StalePolicy.REJECT);
	}

	private static OrderingSlot ignoring(String key, long timestamp) {
		return new OrderingSlot(key, timestamp, StalePolicy.IGNORE);
	}

	@Test
	void firstClaimIsAdmittedAndADuplicateIsInFlightUntilTheOutcomeIsReplayed() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		assertThat(store().begin(null, claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().begin(null, claim).getDecision()).isEqualTo(Admission.Decision.IN_FLIGHT);
		store().end(null, claim, true, RESULT);
		Admission replay = store().begin(null, claim);
		assertThat(replay.getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(replay.getOutcome()).isEqualTo(RESULT);
	}

	@Test
	void errorsAreReplayedLikeResults() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		store().begin(null, claim);
		store().end(null, claim, true, ERROR);
		assertThat(store().begin(null, claim).getOutcome()).isEqualTo(ERROR);
	}

	@Test
	void keyWithAnotherFingerprintIsReused() {
		String key = unique("idem");
		store().begin(null, new IdempotencyClaim(key, "fp1"));
		assertThat(store().begin(null, new IdempotencyClaim(key, "fp2")).getDecision())
			.isEqualTo(Admission.Decision.KEY_REUSED);
		store().end(null, new IdempotencyClaim(key, "fp1"), true, RESULT);
		assertThat(store().begin(null, new IdempotencyClaim(key, "fp2")).getDecision())
			.isEqualTo(Admission.Decision.KEY_REUSED);
	}

	@Test
	void claimOfACallThatDidNotRunIsForgotten() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		store().begin(null, claim);
		store().end(null, claim, false, null);
		assertThat(store().begin(null, claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void endWithoutBeginLeavesNoRecord() {
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp1");
		store().end(null, claim, true, RESULT);
		assertThat(store().begin(null, claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void orderedCallsAreAdmittedInIncreasingTimestampOrderOnly() {
		String key = unique("order");
		assertThat(store().findHighWaterMark(key)).isEmpty();
		assertThat(store().begin(slot(key, 100), null).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(100);
		store().end(slot(key, 100), null, true, null);
		Admission equal = store().begin(slot(key, 100), null);
		assertThat(equal.getDecision()).isEqualTo(Admission.Decision.STALE);
		assertThat(equal.getHighWaterMark()).isEqualTo(100);
		assertThat(store().begin(slot(key, 99), null).getDecision()).isEqualTo(Admission.Decision.STALE);
		assertThat(store().begin(slot(key, 101), null).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(101);
	}

	@Test
	void largeTimestampsCompareExactly() {
		String key = unique("order");
		long base = HybridLogicalClock.timestamp(1_700_000_000_000L, 0);
		store().begin(slot(key, base + 1), null);
		store().end(slot(key, base + 1), null, true, null);
		assertThat(store().begin(slot(key, base), null).getDecision()).isEqualTo(Admission.Decision.STALE);
		assertThat(store().begin(slot(key, base + 1), null).getDecision()).isEqualTo(Admission.Decision.STALE);
		assertThat(store().begin(slot(key, base + 2), null).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		store().end(slot(key, base + 2), null, true, null);
		assertThat(store().begin(slot(key, Long.MAX_VALUE), null).getDecision())
			.isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(Long.MAX_VALUE);
	}

	@Test
	void keyIsBusyWhileACallRunsAndFreeAfterItEnds() {
		String key = unique("order");
		store().begin(slot(key, 100), null);
		Admission busy = store().begin(slot(key, 200), null);
		assertThat(busy.getDecision()).isEqualTo(Admission.Decision.BUSY);
		assertThat(busy.getHighWaterMark()).isEqualTo(100);
		store().end(slot(key, 150), null, true, null);
		assertThat(store().begin(slot(key, 200), null).getDecision()).isEqualTo(Admission.Decision.BUSY);
		store().end(slot(key, 100), null, true, null);
		assertThat(store().begin(slot(key, 200), null).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void retryOfAKnownOrderedCallIsReplayedAlthoughItsTimestampIsTheHighWaterMark() {
		String key = unique("order");
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		assertThat(store().begin(slot(key, 100), claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().begin(slot(key, 100), claim).getDecision()).isEqualTo(Admission.Decision.IN_FLIGHT);
		store().end(slot(key, 100), claim, true, RESULT);
		store().begin(slot(key, 300), null);
		store().end(slot(key, 300), null, true, null);
		Admission retry = store().begin(slot(key, 100), claim);
		assertThat(retry.getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(retry.getOutcome()).isEqualTo(RESULT);
	}

	@Test
	void orderedClaimIsSeparateFromTheUnorderedOneAndFromOtherKeys() {
		String idem = unique("idem");
		IdempotencyClaim claim = new IdempotencyClaim(idem, "fp");
		String key = unique("order");
		store().begin(slot(key, 100), claim);
		store().end(slot(key, 100), claim, true, RESULT);
		assertThat(store().begin(null, claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().begin(slot(unique("other"), 100), claim).getDecision())
			.isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void staleCallWithRejectPolicyLeavesNoRecord() {
		String key = unique("order");
		store().begin(slot(key, 100), null);
		store().end(slot(key, 100), null, true, null);
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		assertThat(store().begin(slot(key, 50), claim).getDecision()).isEqualTo(Admission.Decision.STALE);
		assertThat(store().begin(slot(key, 50), claim).getDecision()).isEqualTo(Admission.Decision.STALE);
	}

	@Test
	void staleCallWithIgnorePolicyIsRecordedAsANullResult() {
		String key = unique("order");
		store().begin(slot(key, 100), null);
		store().end(slot(key, 100), null, true, null);
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		assertThat(store().begin(ignoring(key, 50), claim).getDecision()).isEqualTo(Admission.Decision.STALE);
		Admission retry = store().begin(ignoring(key, 50), claim);
		assertThat(retry.getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(retry.getOutcome()).isEqualTo(StoredOutcome.NULL_RESULT);
	}

	@Test
	void orderedCallThatDidNotRunGivesBackItsPlaceAndItsClaim() {
		String key = unique("order");
		store().begin(slot(key, 50), null);
		store().end(slot(key, 50), null, true, null);
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		assertThat(store().begin(slot(key, 100), claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store().findHighWaterMark(key)).hasValue(100);
		store().end(slot(key, 100), claim, false, null);
		assertThat(store().findHighWaterMark(key)).hasValue(50);
		assertThat(store().begin(slot(key, 100), claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void firstCallOfAKeyThatDidNotRunLeavesTheKeyUnknown() {
		String key = unique("order");
		store().begin(slot(key, 100), null);
		store().end(slot(key, 100), null, false, null);
		assertThat(store().findHighWaterMark(key)).isEmpty();
		assertThat(store().begin(slot(key, 10), null).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void endOfAnotherCallDoesNotMoveTheMarkBack() {
		String key = unique("order");
		store().begin(slot(key, 100), null);
		store().end(slot(key, 99), null, false, null);
		assertThat(store().findHighWaterMark(key)).hasValue(100);
		assertThat(store().begin(slot(key, 200), null).getDecision()).isEqualTo(Admission.Decision.BUSY);
	}

	@Test
	void keysThatDifferOnlyInBracesOrEscapesStayApart() {
		String base = unique("k");
		String[] keys = { base + "{a}", base + "%7Ba%7D", base + "}", base + "%7D", base + "{", base + "%" };
		long timestamp = 10;
		for (String key : keys) {
			assertThat(store().begin(slot(key, timestamp), null).getDecision()).as(key)
				.isEqualTo(Admission.Decision.ADMITTED);
			store().end(slot(key, timestamp), null, true, null);
			timestamp--;
		}
		timestamp = 10;
		for (String key : keys) {
			assertThat(store().findHighWaterMark(key)).as(key).hasValue(timestamp--);
		}
	}

	@Test
	void beginNeedsASlotOrAClaim() {
		assertThatIllegalArgumentException().isThrownBy(() -> store().begin(null, null));
	}

}
