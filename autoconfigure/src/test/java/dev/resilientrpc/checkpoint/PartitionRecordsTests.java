package dev.resilientrpc.checkpoint;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.checkpoint.PartitionRecords.Admission;
import dev.resilientrpc.checkpoint.PartitionRecords.Decision;
import dev.resilientrpc.ordering.StoredOutcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a partition's records admit: a call its caller stamped is refused when a later
 * call of its key came first; a call this node stamped claims no place in the order and
 * runs after the latest.
 */
class PartitionRecordsTests {

	private final PartitionRecords records = new PartitionRecords(100);

	@Test
	void aCallerStampedCallAtOrBelowTheHighWaterMarkIsStale() {
		assertThat(this.records.admit("a", "f", "k", 100, false).decision()).isEqualTo(Decision.ADMITTED);
		Admission same = this.records.admit("b", "f", "k", 100, false);
		assertThat(same.decision()).isEqualTo(Decision.STALE);
		assertThat(same.highWaterMark()).isEqualTo(100);
		assertThat(this.records.admit("c", "f", "k", 99, false).decision()).isEqualTo(Decision.STALE);
		assertThat(this.records.highWaterMark("k")).isEqualTo(100);
	}

	@Test
	void aCallStampedHereBelowTheHighWaterMarkRunsAfterIt() {
		this.records.admit("a", "f", "k", 100, false);
		Admission late = this.records.admit("b", "f", "k", 40, true);
		assertThat(late.decision()).isEqualTo(Decision.ADMITTED);
		assertThat(late.timestamp()).isEqualTo(101);
		assertThat(this.records.highWaterMark("k")).isEqualTo(101);
		// and a caller's later stamp still has to be above it
		assertThat(this.records.admit("c", "f", "k", 101, false).decision()).isEqualTo(Decision.STALE);
		assertThat(this.records.admit("d", "f", "k", 102, false).decision()).isEqualTo(Decision.ADMITTED);
	}

	@Test
	void aCallStampedHereAboveTheHighWaterMarkKeepsItsStamp() {
		this.records.admit("a", "f", "k", 100, false);
		Admission admission = this.records.admit("b", "f", "k", 500, true);
		assertThat(admission.decision()).isEqualTo(Decision.ADMITTED);
		assertThat(admission.timestamp()).isEqualTo(500);
	}

	@Test
	void aRetryOfACallStampedHereIsReplayedWithItsFirstStamp() {
		this.records.admit("a", "f", "k", 100, false);
		this.records.admit("b", "f", "k", 40, true);
		this.records.complete("b", StoredOutcome.result("1"));
		Admission retry = this.records.admit("b", "f", "k", 900, true);
		assertThat(retry.decision()).isEqualTo(Decision.REPLAY);
		assertThat(retry.outcome()).isEqualTo(StoredOutcome.result("1"));
		assertThat(retry.timestamp()).isEqualTo(101);
		assertThat(this.records.highWaterMark("k")).isEqualTo(101);
	}

}
