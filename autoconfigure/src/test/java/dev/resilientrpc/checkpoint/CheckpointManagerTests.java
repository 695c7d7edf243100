package dev.resilientrpc.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.resilientrpc.checkpoint.ledger.LedgerService;
import dev.resilientrpc.protocol.RpcErrorCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Restore, checkpoint, command log and fencing against the in-memory store; a node
 * "crashes" by being abandoned without {@code close()}.
 */
class CheckpointManagerTests {

	private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();

	@Test
	void restoresTheLatestCheckpointAndReplaysTheLogAfterIt() {
		LedgerNode first = new LedgerNode(this.store);
		first.append("a", "1", "k1");
		first.append("a", "2", "k2");
		first.manager.checkpoint("ledger");
		first.append("a", "3", "k3");
		first.append("b", "1", "k4");
		LedgerNode second = new LedgerNode(this.store);
		assertThat(second.entries("a")).containsExactly("1", "2", "3");
		assertThat(second.entries("b")).containsExactly("1");
		CheckpointStatus status = second.manager.getStatus("ledger");
		assertThat(status.replayedCalls()).isEqualTo(2);
		assertThat(status.skippedCalls()).isZero();
		assertThat(status.lastCheckpointId()).isEqualTo(1);
		second.close();
	}

	@Test
	void replaysTheLogInTimestampOrder() {
		LedgerNode first = new LedgerNode(this.store);
		first.call("append", "[\"a\",\"t3\"]", "k3", 3L << 16);
		first.call("append", "[\"a\",\"t1\"]", "k1", 1L << 16);
		first.call("append", "[\"a\",\"t2\"]", "k2", 2L << 16);
		assertThat(first.entries("a")).containsExactly("t3", "t1", "t2");
		LedgerNode second = new LedgerNode(this.store);
		assertThat(second.entries("a")).containsExactly("t1", "t2", "t3");
	}

	@Test
	void aCallRetriedAfterACrashIsAnsweredWithoutBeingAppliedTwice() {
		LedgerNode first = new LedgerNode(this.store);
		assertThat(first.append("a", "1", "k1").get("result").asInt()).isEqualTo(1);
		LedgerNode second = new LedgerNode(this.store);
		JsonNode retried = second.append("a", "1", "k1");
		assertThat(retried.get("result").asInt()).isEqualTo(1);
		assertThat(second.entries("a")).containsExactly("1");
		second.manager.checkpoint("ledger");
		LedgerNode third = new LedgerNode(this.store);
		assertThat(third.append("a", "1", "k1").get("result").asInt()).isEqualTo(1);
		assertThat(third.entries("a")).containsExactly("1");
	}

	@Test
	void aCallLoggedTwiceIsReplayedOnce() {
		// as when a Redis client sends an append again after a reconnect, and both arrive
		this.store.acquireEpoch("node/ledger");
		CommandLogEntry entry = new CommandLogEntry(null, "k1", 1L << 16, "ledger.append", "[\"a\",\"1\"]");
		this.store.append("node/ledger", 1, List.of(entry));
		this.store.append("node/ledger", 1, List.of(entry));
		LedgerNode second = new LedgerNode(this.store);
		assertThat(second.entries("a")).containsExactly("1");
		assertThat(second.manager.getStatus("ledger").skippedCalls()).isEqualTo(1);
	}

	@Test
	void aCallOfTheSameKeyStillRunningIsRefusedAsDuplicateInFlight() throws Exception {
		LedgerNode node = new LedgerNode(this.store);
		node.service.pause = new CountDownLatch(1);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<JsonNode> first = executor.submit(() -> node.append(LedgerService.SLOW_ACCOUNT, "1", "k1"));
			assertThat(node.service.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
			JsonNode duplicate = node.append(LedgerService.SLOW_ACCOUNT, "1", "k1");
			assertThat(duplicate.get("error").get("code").asInt()).isEqualTo(RpcErrorCodes.DUPLICATE_IN_FLIGHT);
			node.service.pause.countDown();
			assertThat(first.get(5, TimeUnit.SECONDS).get("result").asInt()).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(node.entries(LedgerService.SLOW_ACCOUNT)).containsExactly("1");
	}

	@Test
	void aFailedCallIsRememberedWithItsErrorAndItsReplayFailsHarmlessly() {
		LedgerNode first = new LedgerNode(this.store);
		JsonNode failed = first.call("fail", "[\"a\"]", "k1", null);
		assertThat(failed.get("error").get("code").asInt()).isEqualTo(RpcErrorCodes.APPLICATION_ERROR);
		// a retry gets the same answer without running (or being logged) again
		assertThat(first.call("fail", "[\"a\"]", "k1", null).get("error")).isEqualTo(failed.get("error"));
		first.append("a", "1", "k2");
		assertThat(this.store.readLog("node/ledger", StreamIds.ZERO, 10)).hasSize(2);
		LedgerNode second = new LedgerNode(this.store);
		assertThat(second.entries("a")).containsExactly("1");
		assertThat(second.manager.getStatus("ledger").replayedCalls()).isEqualTo(2);
		assertThat(second.call("fail", "[\"a\"]", "k1", null).get("error")).isEqualTo(failed.get("error"));
	}

	@Test
	void callsWithoutIdempotencyKeyOrTimestampAreLoggedWithLocalOnes() {
		LedgerNode first = new LedgerNode(this.store);
		first.call("append", "[\"a\",\"1\"]", null, null);
		first.call("append", "[\"a\",\"2\"]", null, null);
		first.call("append", "[\"a\",\"3\"]", null, null);
		List<CommandLogEntry> log = this.store.readLog("node/ledger", StreamIds.ZERO, 10);
		assertThat(log).hasSize(3).allSatisfy((entry) -> assertThat(entry.idempotencyKey()).startsWith("local-"));
		assertThat(log).extracting(CommandLogEntry::timestamp).isSorted().doesNotHaveDuplicates();
		assertThat(new LedgerNode(this.store).entries("a")).containsExactly("1", "2", "3");
	}

	@Test
	void readsAreNotLogged() {
		LedgerNode node = new LedgerNode(this.store);
		node.call("entries", "[\"a\"]", "k1", null);
		node.call("all", "[]", "k2", null);
		assertThat(this.store.logLength("node/ledger")).isZero();
	}

	@Test
	void aZombieWithAnOlderEpochIsRefused() {
		LedgerNode zombie = new LedgerNode(this.store);
		zombie.append("a", "1", "k1");
		LedgerNode successor = new LedgerNode(this.store);
		assertThat(successor.manager.getStatus("ledger").epoch())
			.isGreaterThan(zombie.manager.getStatus("ledger").epoch());
		// the refusal that fences the log may answer a second run of the append (the
		// Redis
		// client sends a command again after a reconnect), so its outcome is unknown
		JsonNode unknown = zombie.append("a", "zombie", "k2");
		assertThat(unknown.get("error").get("code").asInt()).isEqualTo(RpcErrorCodes.OUTCOME_UNKNOWN);
		// once fenced, the log sends nothing: certainly not executed
		JsonNode refused = zombie.append("a", "zombie", "k2b");
		assertThat(refused.get("error").get("code").asInt()).isEqualTo(RpcErrorCodes.OVERLOADED);
		// the log refuses it, or the partition, already marked fenced by then, does
		assertThat(refused.get("error").get("data").get("reason").asString()).isIn("log-refused", "not-serving");
		assertThat(refused.get("error").get("data").get("detail").asString()).containsIgnoringCase("fenced")
			.contains("not executed");
		assertThat(zombie.entries("a")).containsExactly("1");
		assertThatExceptionOfType(CheckpointFencedException.class)
			.isThrownBy(() -> zombie.manager.checkpoint("ledger"));
		assertThat(zombie.manager.getStatus("ledger").fenced()).isTrue();
		zombie.close();
		assertThat(this.store.list("node/ledger")).isEmpty();
		successor.append("a", "2", "k3");
		successor.manager.checkpoint("ledger");
		assertThat(new LedgerNode(this.store).entries("a")).containsExactly("1", "2");
	}

	@Test
	void theLogIsKeptFromTheOldestKeptCheckpointOn() {
		LedgerNode node = new LedgerNode(this.store, (builder) -> builder.keep(2));
		node.append("a", "1", "k1");
		node.manager.checkpoint("ledger");
		assertThat(this.store.logLength("node/ledger")).isZero();
		node.append("a", "2", "k2");
		node.append("a", "3", "k3");
		node.manager.checkpoint("ledger");
		assertThat(this.store.logLength("node/ledger")).isEqualTo(2);
		node.manager.checkpoint("ledger");
		assertThat(this.store.logLength("node/ledger")).isZero();
		assertThat(this.store.list("node/ledger")).hasSize(2);
		assertThat(node.manager.getStatus("ledger").logLength()).isZero();
	}

	@Test
	void shutdownWritesALastCheckpointOnlyOfChangedState() {
		LedgerNode node = new LedgerNode(this.store);
		node.append("a", "1", "k1");
		node.close();
		assertThat(this.store.list("node/ledger")).hasSize(1);
		LedgerNode unchanged = new LedgerNode(this.store);
		assertThat(unchanged.manager.getStatus("ledger").replayedCalls()).isZero();
		unchanged.close();
		assertThat(this.store.list("node/ledger")).extracting(CheckpointManifest::id).containsExactly(1L);
	}

	@Test
	void asyncDurabilityRecoversWhatWasLoggedBeforeTheCrash() {
		LedgerNode first = new LedgerNode(this.store, (builder) -> builder.durability(Durability.ASYNC));
		for (int i = 0; i < 100; i++) {
			first.append("a", Integer.toString(i), "k" + i);
		}
		first.manager.partition("ledger").drain();
		LedgerNode second = new LedgerNode(this.store);
		assertThat(second.entries("a")).hasSize(100);
	}

	@Test
	void concurrentCallsAndCheckpointsRecoverExactlyTheAcknowledgedState() throws Exception {
		LedgerNode first = new LedgerNode(this.store, (builder) -> builder.keep(2).chunkSize(1024));
		int threads = 8;
		int callsPerThread = 200;
		ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
		AtomicBoolean writing = new AtomicBoolean(true);
		List<Future<?>> writers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			writers.add(executor.submit(() -> {
				for (int i = 0; i < callsPerThread; i++) {
					// one writer per account: calls on one key that no ordering key
					// serializes may run in
					// another order than the one they were logged in (docs/checkpoint.md)
					JsonNode response = first.append("account-" + thread + "-" + (i % 5), thread + "-" + i,
							thread + ":" + i);
					assertThat(response.has("result")).as(response.toString()).isTrue();
				}
			}));
		}
		Future<Integer> checkpointer = executor.submit(() -> {
			int count = 0;
			while (writing.get()) {
				first.manager.checkpoint("ledger");
				count++;
			}
			return count;
		});
		for (Future<?> writer : writers) {
			writer.get(30, TimeUnit.SECONDS);
		}
		writing.set(false);
		assertThat(checkpointer.get(30, TimeUnit.SECONDS)).isPositive();
		executor.shutdown();
		Map<String, List<String>> acknowledged = first.service.all();
		assertThat(acknowledged.values().stream().mapToInt(List::size).sum()).isEqualTo(threads * callsPerThread);
		LedgerNode second = new LedgerNode(this.store);
		assertThat(second.service.all()).isEqualTo(acknowledged);
	}

}
