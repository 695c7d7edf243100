package dev.resilientrpc.benchmarks.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.Compression;
import dev.resilientrpc.checkpoint.RedisCheckpointStore;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Checkpoint write and restore throughput for 1, 10 and 100 MB states, beside raw Lettuce
 * {@code SET}/{@code GET} of the same bytes (one value, and 1 MB chunks pipelined)
 * against the same private redis-server in the same run. Prints the median of several
 * runs per size.
 *
 * <p>
 * Run with
 * {@code benchmarks/run.sh dev.resilientrpc.benchmarks.checkpoint.CheckpointThroughput [compression]}.
 */
public final class CheckpointThroughput {

	private static final int MB = 1024 * 1024;

	private CheckpointThroughput() {
	}

	/**
	 * Run the benchmark.
	 * @param args optional: {@code none} (default) or {@code deflate}
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		Compression compression = (args.length > 0) ? Compression.valueOf(args[0].toUpperCase()) : Compression.NONE;
		try (LocalRedis redis = LocalRedis.start()) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port));
			try (StatefulRedisConnection<byte[], byte[]> raw = client.connect(ByteArrayCodec.INSTANCE)) {
				System.out.printf("compression=%s, chunk=1MB, median of runs, MB/s (MB = 2^20 bytes of state)%n",
						compression);
				System.out.printf("%6s %12s %12s %12s %12s %12s %12s %8s %8s%n", "state", "ckpt-write", "ckpt-restore",
						"raw-SET", "raw-GET", "raw-SET-1MB", "raw-GET-1MB", "write%", "restore%");
				for (int size : new int[] { 1, 10, 100 }) {
					run(size, compression, factory, raw);
				}
			}
			finally {
				client.shutdown();
				factory.destroy();
			}
		}
	}

	private static void run(int sizeMb, Compression compression, LettuceConnectionFactory factory,
			StatefulRedisConnection<byte[], byte[]> raw) throws Exception {
		int runs = (sizeMb >= 100) ? 3 : (sizeMb >= 10) ? 7 : 25;
		byte[] data = new byte[sizeMb * MB];
		new Random(sizeMb).nextBytes(data);
		String name = "blob" + sizeMb;
		BlobState state = new BlobState(name, data);
		CheckpointManager writer = manager(factory, state, compression);
		writer.restore(null);
		double[] writes = new double[runs];
		for (int i = -1; i < runs; i++) {
			long started = System.nanoTime();
			writer.checkpoint(name);
			record(writes, i, sizeMb, started);
		}
		double[] restores = new double[runs];
		for (int i = -1; i < runs; i++) {
			BlobState target = new BlobState(name, new byte[0]);
			CheckpointManager reader = manager(factory, target, compression);
			long started = System.nanoTime();
			reader.restore(null);
			record(restores, i, sizeMb, started);
			if (!Arrays.equals(target.bytes, data)) {
				throw new IllegalStateException("Restored state differs");
			}
		}
		byte[] key = ("raw:" + name).getBytes();
		double[] sets = new double[runs];
		double[] gets = new double[runs];
		double[] chunkSets = new double[runs];
		double[] chunkGets = new double[runs];
		for (int i = -1; i < runs; i++) {
			long started = System.nanoTime();
			raw.sync().set(key, data);
			record(sets, i, sizeMb, started);
			started = System.nanoTime();
			byte[] read = raw.sync().get(key);
			record(gets, i, sizeMb, started);
			if (read.length != data.length) {
				throw new IllegalStateException("GET returned " + read.length + " bytes");
			}
			started = System.nanoTime();
			List<RedisFuture<?>> futures = new ArrayList<>();
			for (int c = 0; c < sizeMb; c++) {
				futures
					.add(raw.async().set((name + ":" + c).getBytes(), Arrays.copyOfRange(data, c * MB, (c + 1) * MB)));
			}
			LettuceFutures.awaitAll(60, TimeUnit.SECONDS, futures.toArray(new RedisFuture<?>[0]));
			record(chunkSets, i, sizeMb, started);
			started = System.nanoTime();
			futures.clear();
			for (int c = 0; c < sizeMb; c++) {
				futures.add(raw.async().get((name + ":" + c).getBytes()));
			}
			LettuceFutures.awaitAll(60, TimeUnit.SECONDS, futures.toArray(new RedisFuture<?>[0]));
			record(chunkGets, i, sizeMb, started);
		}
		double write = median(writes);
		double restore = median(restores);
		double bestSet = Math.max(median(sets), median(chunkSets));
		double bestGet = Math.max(median(gets), median(chunkGets));
		System.out.printf("%4dMB %12.0f %12.0f %12.0f %12.0f %12.0f %12.0f %7.0f%% %7.0f%%%n", sizeMb, write, restore,
				median(sets), median(gets), median(chunkSets), median(chunkGets), 100 * write / bestSet,
				100 * restore / bestGet);
	}

	private static CheckpointManager manager(LettuceConnectionFactory factory, BlobState state,
			Compression compression) {
		return CheckpointManager.builder(new RedisCheckpointStore(factory, "bench"))
			.checkpointables(List.of(state))
			.nodeId("bench")
			.keep(1)
			.compression(compression)
			.build();
	}

	private static void record(double[] results, int run, int sizeMb, long started) {
		if (run >= 0) {
			results[run] = sizeMb / ((System.nanoTime() - started) / 1e9);
		}
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
