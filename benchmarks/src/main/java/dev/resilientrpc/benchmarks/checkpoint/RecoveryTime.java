package dev.resilientrpc.benchmarks.checkpoint;

import java.util.Arrays;
import java.util.Random;

import dev.resilientrpc.checkpoint.CheckpointStatus;
import dev.resilientrpc.checkpoint.RedisCheckpointStore;
import dev.resilientrpc.server.JsonRpcServer;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Recovery of a 100 MB checkpoint plus 10,000 logged calls after it: a node takes the
 * checkpoint, serves 10,000 logged {@code kv.put} calls (sync durability), and a second
 * node then restores the checkpoint and replays the log. Also prints the per-call cost of
 * the logged calls.
 *
 * <p>
 * Run with
 * {@code benchmarks/run.sh dev.resilientrpc.benchmarks.checkpoint.RecoveryTime [stateMb] [calls]}.
 */
public final class RecoveryTime {

	private RecoveryTime() {
	}

	/**
	 * Run the benchmark.
	 * @param args optional state size in MB (default 100) and number of calls (default
	 * 10000)
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		int stateMb = (args.length > 0) ? Integer.parseInt(args[0]) : 100;
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 10_000;
		byte[] blob = new byte[stateMb * 1024 * 1024];
		new Random(1).nextBytes(blob);
		try (LocalRedis redis = LocalRedis.start()) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			try {
				for (int round = 0; round < 3; round++) {
					run(new RedisCheckpointStore(factory, "recovery" + round), blob, calls);
				}
			}
			finally {
				factory.destroy();
			}
		}
	}

	private static void run(RedisCheckpointStore store, byte[] blob, int calls) {
		KvNode first = new KvNode(store, blob, (builder) -> {
		});
		first.restore();
		CheckpointStatus checkpoint = first.manager.checkpoint("kv");
		long started = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			JsonRpcServer.Response response = first.call("put", "[\"key-" + i + "\",\"value-" + i + "\"]", "call-" + i);
			if (response.status() != 200 || new String(response.body()).contains("error")) {
				throw new IllegalStateException(new String(response.body()));
			}
		}
		double perCall = (System.nanoTime() - started) / 1e3 / calls;
		KvNode second = new KvNode(store, new byte[0], (builder) -> {
		});
		started = System.nanoTime();
		second.restore();
		long recovery = System.nanoTime() - started;
		if (second.state.map.size() != calls || !Arrays.equals(second.state.blob, blob)) {
			throw new IllegalStateException("Recovered state differs: " + second.state.map.size() + " entries");
		}
		CheckpointStatus status = second.manager.getStatus("kv");
		System.out.printf(
				"state %d MB (checkpoint %d bytes, written in %d ms), %d logged calls at %.1f us/call "
						+ "(sequential, sync): recovery %d ms (replay of %d calls %d ms)%n",
				blob.length >> 20, checkpoint.lastCheckpointSize(), checkpoint.lastCheckpointDuration().toMillis(),
				calls, perCall, recovery / 1_000_000, status.replayedCalls(), status.replayDuration().toMillis());
	}

}
