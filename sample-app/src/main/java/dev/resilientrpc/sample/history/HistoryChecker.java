package dev.resilientrpc.sample.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.sample.history.History.Kind;
import dev.resilientrpc.sample.history.History.Op;
import dev.resilientrpc.sample.history.History.Outcome;

/**
 * Judges a {@link History} against the store's promises, per key. Every key has exactly
 * one writer, which writes it in sequence with unique tokens, so a key's writes have one
 * order: the order they were invoked in, which is also their timestamp order.
 *
 * <p>
 * {@link Kind#APPEND} keys keep their whole history in the value (tokens joined by
 * commas), so the final value shows every write that took effect and in what order. The
 * checks:
 * <ul>
 * <li><b>lost</b>: an acknowledged write is missing from the final value, or a write some
 * read saw is;</li>
 * <li><b>duplicated</b>: a token appears twice (a write applied twice);</li>
 * <li><b>phantom</b>: a write whose every attempt was refused with a "not executed" error
 * appears (an error code that broke its promise);</li>
 * <li><b>reordered</b>: tokens are out of their writer's order (not in timestamp
 * order);</li>
 * <li><b>stale read</b>: a read (or a write's returned value) misses a write acknowledged
 * before the read began, or is older than what a read that completed before it began
 * returned;</li>
 * <li><b>diverged</b>: a value some read returned is not a prefix of the final value, or
 * the nodes disagree on the final value.</li>
 * </ul>
 * {@link Kind#PUT} keys hold only the last token: their checks are the same where the
 * value allows (lost, phantom, stale, diverged), and a put's returned previous value must
 * be the token of the write before it or of a later unknown one.
 */
public final class HistoryChecker {

	private final History history;

	private final Map<String, List<String>> finalValues;

	private final List<String> violations = new ArrayList<>();

	private final Map<String, Integer> counts = new LinkedHashMap<>();

	private final Predicate<Op> unstamped;

	/**
	 * Create a checker.
	 * @param history the history
	 * @param finalValues per key, the value every node returned after the run (one entry
	 * per node; {@code null} entries are keys a node held no value for)
	 */
	public HistoryChecker(History history, Map<String, List<@Nullable String>> finalValues) {
		this(history, finalValues, (op) -> false);
	}

	/**
	 * Create a checker for a history in which some clients send no {@code Rpc-Timestamp}.
	 * A node stamps such a call when it arrives, so one whose outcome the client never
	 * learned (it timed out while the call was held up in the network) may take effect at
	 * any time after it was invoked, after writes its client made later: such a write is
	 * not held to its writer's order, and a value it left counts as written whenever it
	 * was read. Acknowledged writes of those clients are held to every check.
	 * @param history the history
	 * @param finalValues per key, the value every node returned after the run
	 * @param unstamped which operations were sent without {@code Rpc-Timestamp}
	 */
	public HistoryChecker(History history, Map<String, List<@Nullable String>> finalValues, Predicate<Op> unstamped) {
		this.history = history;
		this.unstamped = unstamped;
		Map<String, List<String>> copy = new HashMap<>();
		finalValues.forEach((key, values) -> {
			List<String> list = new ArrayList<>();
			for (String value : values) {
				list.add((value != null) ? value : "");
			}
			copy.put(key, list);
		});
		this.finalValues = copy;
	}

	/**
	 * Check the history.
	 * @return the violations, empty if the store kept every promise
	 */
	public List<String> check() {
		Map<String, List<Op>> byKey = new LinkedHashMap<>();
		for (Op op : this.history.ops()) {
			byKey.computeIfAbsent(op.key(), (key) -> new ArrayList<>()).add(op);
		}
		byKey.forEach(this::checkKey);
		return this.violations;
	}

	/**
	 * Return how many violations of each kind were found.
	 * @return counts by kind
	 */
	public Map<String, Integer> counts() {
		return this.counts;
	}

	private void checkKey(String key, List<Op> ops) {
		List<Op> writes = ops.stream().filter(Op::isWrite).toList();
		if (writes.isEmpty()) {
			return;
		}
		boolean appends = writes.get(0).kind() == Kind.APPEND;
		List<String> nodes = this.finalValues.get(key);
		if (nodes == null || nodes.isEmpty()) {
			violation("unchecked", key, "no final value was read");
			return;
		}
		String finalValue = nodes.get(0);
		for (int i = 1; i < nodes.size(); i++) {
			if (!nodes.get(i).equals(finalValue)) {
				violation("diverged", key, "nodes answer different final values: "
						+ nodes.stream().map((value) -> show(tokens(value))).toList());
			}
		}
		Map<String, Integer> order = new HashMap<>();
		Map<String, Op> byToken = new HashMap<>();
		for (int i = 0; i < writes.size(); i++) {
			order.put(writes.get(i).token(), i);
			byToken.put(writes.get(i).token(), writes.get(i));
		}
		List<String> applied = appends ? tokens(finalValue) : (finalValue.isEmpty() ? List.of() : List.of(finalValue));
		checkApplied(key, applied, order, byToken, appends);
		if (appends) {
			checkAppendReads(key, ops, applied, order);
		}
		else {
			checkPutReads(key, ops, writes, applied, order);
		}
	}

	private void checkApplied(String key, List<String> applied, Map<String, Integer> order, Map<String, Op> byToken,
			boolean appends) {
		Set<String> seen = new HashSet<>();
		int last = -1;
		Op latest = null;
		for (String token : applied) {
			Op write = byToken.get(token);
			if (write == null) {
				violation("phantom", key, "final value holds '" + token + "', which no client wrote");
				continue;
			}
			if (!seen.add(token)) {
				violation("duplicated", key, write + " applied twice: " + show(applied));
			}
			if (write.outcome() == Outcome.FAILED) {
				violation("phantom", key, write + " was refused as not executed, yet it took effect");
			}
			int index = Objects.requireNonNull(order.get(token));
			if (floating(write)) {
				continue;
			}
			if (index < last) {
				violation("reordered", key, write + " applied after a later write, " + latest + ": " + show(applied));
			}
			if (index > last) {
				last = index;
				latest = write;
			}
		}
		List<Op> writes = new ArrayList<>(byToken.values());
		writes.sort((a, b) -> Integer.compare(Objects.requireNonNull(order.get(a.token())),
				Objects.requireNonNull(order.get(b.token()))));
		if (appends) {
			for (Op write : writes) {
				if (write.outcome() == Outcome.OK && !seen.contains(write.token())) {
					violation("lost", key,
							"acknowledged " + write + " is missing from the final value " + show(applied));
				}
			}
		}
		else {
			// the final value is the last acknowledged put, or a later one whose outcome
			// is unknown
			int lastAcked = -1;
			for (Op write : writes) {
				if (write.outcome() == Outcome.OK) {
					lastAcked = Objects.requireNonNull(order.get(write.token()));
				}
			}
			int holds = applied.isEmpty() ? -1 : order.getOrDefault(applied.get(0), -1);
			if (holds < lastAcked && !(holds >= 0 && floating(writes.get(holds)))) {
				violation("lost", key, "final value " + show(applied) + " is older than the last acknowledged write "
						+ writes.get(lastAcked));
			}
		}
	}

	private void checkAppendReads(String key, List<Op> ops, List<String> applied, Map<String, Integer> order) {
		List<Op> acked = new ArrayList<>();
		for (Op op : ops) {
			if (op.outcome() == Outcome.OK && op.isWrite()) {
				acked.add(op);
			}
		}
		List<Op> observations = new ArrayList<>();
		for (Op op : ops) {
			if (op.outcome() == Outcome.OK && (op.kind() == Kind.GET || op.kind() == Kind.APPEND)) {
				observations.add(op);
			}
		}
		for (Op read : observations) {
			List<String> seen = tokens(read.result());
			if (!isPrefix(seen, applied)) {
				boolean vanished = !new HashSet<>(applied).containsAll(seen);
				violation(vanished ? "lost" : "diverged", key,
						read + " saw " + show(seen) + ", which is not a prefix of the final value " + show(applied));
			}
			Set<String> seenSet = new HashSet<>(seen);
			for (Op write : acked) {
				if (write.completed() < read.invoked() && !seenSet.contains(write.token())) {
					violation("stale-read", key,
							read + " began after " + write + " was acknowledged, but saw " + show(seen));
					break;
				}
			}
		}
		// reads do not go back in time: one that began after another ended sees at least
		// as much
		Op longest = null;
		List<Op> byCompletion = new ArrayList<>(observations);
		byCompletion.sort((a, b) -> Long.compare(a.completed(), b.completed()));
		int next = 0;
		List<Op> byInvocation = new ArrayList<>(observations);
		byInvocation.sort((a, b) -> Long.compare(a.invoked(), b.invoked()));
		for (Op read : byInvocation) {
			while (next < byCompletion.size() && byCompletion.get(next).completed() < read.invoked()) {
				Op done = byCompletion.get(next++);
				if (longest == null || tokens(done.result()).size() > tokens(longest.result()).size()) {
					longest = done;
				}
			}
			if (longest != null && tokens(read.result()).size() < tokens(longest.result()).size()) {
				violation("stale-read", key, read + " saw less than " + longest + ", which ended before it began");
			}
		}
	}

	private void checkPutReads(String key, List<Op> ops, List<Op> writes, List<String> applied,
			Map<String, Integer> order) {
		int finalIndex = applied.isEmpty() ? -1 : order.getOrDefault(applied.get(0), -1);
		List<Op> reads = new ArrayList<>();
		for (Op op : ops) {
			if (op.outcome() == Outcome.OK && op.kind() == Kind.GET) {
				reads.add(op);
			}
		}
		for (Op read : reads) {
			String value = read.result();
			int index = (value == null || value.isEmpty()) ? -1 : order.getOrDefault(value, -2);
			if (index == -2) {
				violation("phantom", key, read + " saw a value no client wrote");
				continue;
			}
			if (index >= 0 && writes.get(index).outcome() == Outcome.FAILED) {
				violation("phantom", key, read + " saw " + writes.get(index) + ", refused as not executed");
			}
			if (index > finalIndex) {
				violation("lost", key, read + " saw a write the final value " + show(applied) + " does not hold");
			}
			for (int i = writes.size() - 1; i > index && !(index >= 0 && floating(writes.get(index))); i--) {
				Op write = writes.get(i);
				if (write.outcome() == Outcome.OK && write.completed() < read.invoked()) {
					violation("stale-read", key, read + " began after " + write + " was acknowledged");
					break;
				}
			}
		}
		for (int i = 0; i < writes.size(); i++) {
			Op put = writes.get(i);
			if (put.outcome() != Outcome.OK) {
				continue;
			}
			// the previous value is the last write before this one that took effect
			String previous = put.result();
			int index = (previous == null || previous.isEmpty()) ? -1 : order.getOrDefault(previous, -2);
			if (index >= i) {
				violation("duplicated", key, put + " returned its own or a later value as the previous one");
			}
			else if (index == -2) {
				violation("phantom", key, put + " returned a previous value no client wrote");
			}
			else if (index < 0 || !floating(writes.get(index))) {
				for (int j = i - 1; j > index; j--) {
					if (writes.get(j).outcome() == Outcome.OK) {
						violation("lost", key,
								put + " overwrote " + previous + ", not the acknowledged " + writes.get(j));
						break;
					}
				}
			}
		}
	}

	// a write sent without a timestamp whose outcome is unknown: it took effect when it
	// arrived, if it did, which may be after writes its client made later
	private boolean floating(Op write) {
		return write.outcome() == Outcome.UNKNOWN && this.unstamped.test(write);
	}

	private static boolean isPrefix(List<String> prefix, List<String> of) {
		return prefix.size() <= of.size() && of.subList(0, prefix.size()).equals(prefix);
	}

	/**
	 * Show a value for a report: short ones whole, long ones by their ends.
	 */
	public static String show(List<String> tokens) {
		if (tokens.size() <= 8) {
			return tokens.toString();
		}
		return "[" + String.join(",", tokens.subList(0, 3)) + ", ... (" + tokens.size() + " tokens) ..., "
				+ String.join(",", tokens.subList(tokens.size() - 3, tokens.size())) + "]";
	}

	public static List<String> tokens(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return List.of();
		}
		return Arrays.asList(value.split(","));
	}

	private void violation(String kind, String key, String detail) {
		this.counts.merge(kind, 1, Integer::sum);
		this.violations.add(kind + " on " + key + ": " + detail);
	}

}
