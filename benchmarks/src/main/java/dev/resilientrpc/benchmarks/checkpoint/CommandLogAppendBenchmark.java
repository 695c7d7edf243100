package dev.resilientrpc.benchmarks.checkpoint;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.resilientrpc.checkpoint.Durability;
import dev.resilientrpc.checkpoint.RedisCheckpointStore;
import dev.resilientrpc.server.JsonRpcServer;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Cost per call of the command log: a logged {@code kv.put} against a private
 * redis-server beside an unlogged {@code kv.get} through the same JSON-RPC server (no
 * HTTP) and a plain synchronous {@code XADD} over the same connection factory, for each
 * durability. Run with {@code -t 1} and {@code -t 4} to see group commit at work:
 * {@code benchmarks/run.sh jmh CommandLogAppend -t 4}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CommandLogAppendBenchmark {

	@Param({ "SYNC", "ASYNC" })
	public Durability durability = Durability.SYNC;

	private LocalRedis redis;

	private LettuceConnectionFactory factory;

	private KvNode node;

	private static final byte[] RAW_LOG = "bench:raw-log".getBytes();

	private static final byte[] FIELD_K = "k".getBytes();

	private static final byte[] FIELD_P = "p".getBytes();

	private final AtomicLong keys = new AtomicLong();

	@Setup(Level.Trial)
	public void start() throws Exception {
		this.redis = LocalRedis.start();
		this.factory = this.redis.connectionFactory();
		this.node = new KvNode(new RedisCheckpointStore(this.factory, "bench"), new byte[0],
				(builder) -> builder.durability(this.durability).interval(Duration.ofSeconds(1)));
		this.node.restore();
		this.node.manager.start();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.node.manager.stop();
		this.factory.destroy();
		this.redis.close();
	}

	@Benchmark
	public JsonRpcServer.Response loggedPut() {
		long key = this.keys.incrementAndGet();
		return this.node.call("put", "[\"k" + (key & 1023) + "\",\"v" + key + "\"]", "put-" + key);
	}

	/**
	 * Baseline: one plain {@code XADD} of a similar entry over the same connection
	 * factory, synchronously, what a logged call costs at least when it is alone.
	 * @return the record id
	 */
	@Benchmark
	public Object rawXadd() {
		long key = this.keys.incrementAndGet();
		try (RedisConnection connection = this.factory.getConnection()) {
			return connection.streamCommands()
				.xAdd(RAW_LOG, Map.of(FIELD_K, ("raw-" + key).getBytes(), FIELD_P,
						("[\"k" + (key & 1023) + "\",\"v" + key + "\"]").getBytes()));
		}
	}

	@Benchmark
	public JsonRpcServer.Response unloggedGet() {
		long key = this.keys.incrementAndGet();
		return this.node.call("get", "[\"k" + (key & 1023) + "\"]", "get-" + key);
	}

}
