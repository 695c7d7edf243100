package dev.resilientrpc.sample.history;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.sample.history.History.Kind;
import dev.resilientrpc.sample.history.History.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker finds each kind of broken promise in a made-up history, and none in a good
 * one: a chaos run that passes means something only if the checker can fail it.
 */
class HistoryCheckerTests {

	private final History history = new History();

	private String client = "test";

	private final Map<String, List<@Nullable String>> finals = new HashMap<>();

	private long time = 1000;

	@Test
	void aCorrectHistoryHasNoViolations() {
		append("a", "t1", Outcome.OK, "t1");
		append("a", "t2", Outcome.UNKNOWN, null);
		read("a", "t1,t2");
		append("a", "t3", Outcome.OK, "t1,t2,t3");
		append("a", "t4", Outcome.FAILED, null);
		read("a", "t1,t2,t3");
		put("p", "v1", Outcome.OK, null);
		put("p", "v2", Outcome.OK, "v1");
		get("p", "v2");
		finalValue("a", "t1,t2,t3");
		finalValue("p", "v2");
		assertThat(check()).isEmpty();
	}

	@Test
	void anAcknowledgedWriteMissingFromTheFinalValueIsLost() {
		append("a", "t1", Outcome.OK, "t1");
		append("a", "t2", Outcome.OK, "t1,t2");
		finalValue("a", "t1");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("lost on a"));
	}

	@Test
	void aWriteSeenByAReadButMissingLaterIsLost() {
		append("a", "t1", Outcome.OK, "t1");
		append("a", "t2", Outcome.UNKNOWN, null);
		read("a", "t1,t2");
		finalValue("a", "t1");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("lost on a"));
	}

	@Test
	void aTokenAppliedTwiceIsDuplicated() {
		append("a", "t1", Outcome.OK, "t1");
		finalValue("a", "t1,t1");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("duplicated on a"));
	}

	@Test
	void aWriteRefusedAsNotExecutedThatTookEffectIsAPhantom() {
		append("a", "t1", Outcome.FAILED, null);
		append("a", "t2", Outcome.OK, "t1,t2");
		finalValue("a", "t1,t2");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("phantom on a"));
	}

	@Test
	void writesAppliedOutOfTheirOrderAreReordered() {
		append("a", "t1", Outcome.UNKNOWN, null);
		append("a", "t2", Outcome.OK, "t2");
		finalValue("a", "t2,t1");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("reordered on a"));
	}

	@Test
	void anUnstampedWriteOfUnknownOutcomeMayTakeEffectAfterLaterWritesButAnAcknowledgedOneMayNot() {
		this.client = "bare-writer";
		append("a", "t1", Outcome.UNKNOWN, null);
		append("a", "t2", Outcome.OK, "t2");
		finalValue("a", "t2,t1");
		assertThat(checkWithBareClients()).isEmpty();
		append("a", "t3", Outcome.OK, "t2,t1,t3");
		append("a", "t4", Outcome.OK, "t2,t1,t4,t3");
		finalValue("a", "t2,t1,t4,t3");
		assertThat(checkWithBareClients()).anyMatch((violation) -> violation.startsWith("reordered on a"));
	}

	@Test
	void anUnstampedPutOfUnknownOutcomeAppliedLateIsReadAndOverwrittenWithoutViolation() {
		this.client = "bare-writer";
		put("p", "v1", Outcome.UNKNOWN, null);
		put("p", "v2", Outcome.OK, "");
		// v1 arrives now, after v2
		get("p", "v1");
		put("p", "v3", Outcome.OK, "v1");
		finalValue("p", "v3");
		assertThat(checkWithBareClients()).isEmpty();
		// sent with a timestamp, v1 would have been refused as stale: the same history
		// is a violation
		assertThat(check()).anyMatch((violation) -> violation.startsWith("stale-read on p"))
			.anyMatch((violation) -> violation.startsWith("lost on p"));
	}

	@Test
	void anUnstampedPutOfUnknownOutcomeMayBeTheLastOneApplied() {
		this.client = "bare-writer";
		put("p", "v1", Outcome.OK, "");
		put("p", "v2", Outcome.UNKNOWN, null);
		put("p", "v3", Outcome.OK, "v1");
		finalValue("p", "v2");
		assertThat(checkWithBareClients()).isEmpty();
		assertThat(check()).anyMatch((violation) -> violation.startsWith("lost on p"));
	}

	@Test
	void aReadThatMissesAnEarlierAcknowledgedWriteIsStale() {
		append("a", "t1", Outcome.OK, "t1");
		append("a", "t2", Outcome.OK, "t1,t2");
		read("a", "t1");
		finalValue("a", "t1,t2");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("stale-read on a"));
	}

	@Test
	void aReadThatSeesLessThanAnEarlierReadIsStale() {
		append("a", "t1", Outcome.OK, "t1");
		append("a", "t2", Outcome.UNKNOWN, null);
		read("a", "t1,t2");
		read("a", "t1");
		finalValue("a", "t1,t2");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("stale-read on a"));
	}

	@Test
	void aStaleReadOfAPutKeyIsFound() {
		put("p", "v1", Outcome.OK, null);
		put("p", "v2", Outcome.OK, "v1");
		get("p", "v1");
		finalValue("p", "v2");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("stale-read on p"));
	}

	@Test
	void aPutKeyWhoseFinalValueIsOlderThanTheLastAcknowledgedOneLostIt() {
		put("p", "v1", Outcome.OK, null);
		put("p", "v2", Outcome.OK, "v1");
		finalValue("p", "v1");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("lost on p"));
	}

	@Test
	void aPutThatOverwroteAnOlderValueThanTheLastAcknowledgedOneLostIt() {
		put("p", "v1", Outcome.OK, null);
		put("p", "v2", Outcome.OK, "v1");
		put("p", "v3", Outcome.OK, "v1");
		finalValue("p", "v3");
		assertThat(check()).anyMatch((violation) -> violation.startsWith("lost on p"));
	}

	@Test
	void nodesThatAnswerDifferentFinalValuesDiverge() {
		append("a", "t1", Outcome.OK, "t1");
		this.finals.put("a", Arrays.asList("t1", null));
		assertThat(check()).anyMatch((violation) -> violation.startsWith("diverged on a"));
	}

	private List<String> check() {
		return new HistoryChecker(this.history, this.finals).check();
	}

	private List<String> checkWithBareClients() {
		return new HistoryChecker(this.history, this.finals, (op) -> op.client().startsWith("bare-")).check();
	}

	private void append(String key, String token, Outcome outcome, @Nullable String result) {
		op(Kind.APPEND, key, token, outcome, result);
	}

	private void put(String key, String token, Outcome outcome, @Nullable String result) {
		op(Kind.PUT, key, token, outcome, result);
	}

	private void read(String key, String result) {
		op(Kind.GET, key, null, Outcome.OK, result);
	}

	private void get(String key, String result) {
		op(Kind.GET, key, null, Outcome.OK, result);
	}

	private void op(Kind kind, String key, @Nullable String token, Outcome outcome, @Nullable String result) {
		// one after the other: each operation ends before the next begins
		this.history.add(this.client, kind, key, token, this.time, this.time + 10, outcome, result, null, 1);
		this.time += 100;
	}

	private void finalValue(String key, String value) {
		this.finals.put(key, List.of(value, value));
	}

}
