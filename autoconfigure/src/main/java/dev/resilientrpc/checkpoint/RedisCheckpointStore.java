package dev.resilientrpc.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.util.ClassUtils;

/**
 * A {@link CheckpointStore} in Redis, through Spring Data Redis, so that standalone,
 * Sentinel and Cluster deployments configured with {@code spring.data.redis.*} all work.
 *
 * <p>
 * Keys of one checkpoint share the hash tag {@code {name}} and so one Cluster slot: <pre>
 * &lt;prefix&gt;:{name}:epoch              fencing token (INCR)
 * &lt;prefix&gt;:{name}:seq                last reserved checkpoint id (INCR)
 * &lt;prefix&gt;:{name}:checkpoints        list of published checkpoint ids, newest first
 * &lt;prefix&gt;:{name}:checkpoint:&lt;id&gt;    hash: the manifest of a checkpoint
 * &lt;prefix&gt;:{name}:chunk:&lt;id&gt;:&lt;i&gt;   string: chunk i of a checkpoint's data
 * &lt;prefix&gt;:{name}:log                stream: the command log
 * </pre> Chunks are written pipelined with an expiry, which {@link #publish publish}
 * removes in the same Lua script that checks the epoch, pushes the id onto the list,
 * drops the checkpoints beyond those kept and trims the log; appends check the epoch in a
 * Lua script too. A script that finds the epoch key missing (Redis lost its data) takes
 * the writer's epoch and reports it, so that the caller can write a fresh checkpoint at
 * once.
 */
public final class RedisCheckpointStore implements CheckpointStore {

	private static final Duration UNPUBLISHED_CHUNK_TTL = Duration.ofHours(1);

	/**
	 * Starts the scripts that write: refuses a writer whose epoch (ARGV[1]) is older than
	 * the one stored at KEYS[1] with {0, stored epoch}; takes the writer's epoch, setting
	 * {@code lost}, when the key is missing because Redis lost its data; and raises a
	 * stored epoch that is older than the writer's, which happens when a failover to a
	 * replica lost the INCR that gave the writer its epoch: from then on the holder of
	 * the older epoch is refused again, so epochs stay monotonic across a promotion.
	 */
	private static final String EPOCH_CHECK = """
			if redis.replicate_commands then redis.replicate_commands() end
			local current = redis.call('GET', KEYS[1])
			local lost = 0
			if not current then
			  redis.call('SET', KEYS[1], ARGV[1])
			  lost = 1
			elseif tonumber(current) > tonumber(ARGV[1]) then
			  return {0, current}
			elseif tonumber(current) < tonumber(ARGV[1]) then
			  redis.call('SET', KEYS[1], ARGV[1])
			end
			""";

	private static final Script PUBLISH = new Script(EPOCH_CHECK + """
			local head = redis.call('LINDEX', KEYS[2], 0)
			if head and tonumber(head) >= tonumber(ARGV[2]) then
			  return {-1, head}
			end
			for i = 0, tonumber(ARGV[6]) - 1 do
			  local chunk = ARGV[4] .. ARGV[2] .. ':' .. i
			  if redis.call('EXISTS', chunk) == 0 then
			    return {-2, tostring(i)}
			  end
			  redis.call('PERSIST', chunk)
			end
			redis.call('HSET', KEYS[3], unpack(ARGV, 7))
			redis.call('LPUSH', KEYS[2], ARGV[2])
			local keep = tonumber(ARGV[3])
			while redis.call('LLEN', KEYS[2]) > keep do
			  local old = redis.call('RPOP', KEYS[2])
			  local manifest = ARGV[5] .. old
			  local chunks = tonumber(redis.call('HGET', manifest, 'chunks') or '0')
			  for i = 0, chunks - 1 do
			    redis.call('UNLINK', ARGV[4] .. old .. ':' .. i)
			  end
			  redis.call('DEL', manifest)
			end
			local oldest = redis.call('LINDEX', KEYS[2], -1)
			local cursor = redis.call('HGET', ARGV[5] .. oldest, 'cursor')
			local trimmed = 0
			if cursor and cursor ~= '0-0' then
			  local ms, seq = string.match(cursor, '^(%d+)-(%d+)$')
			  trimmed = redis.call('XTRIM', KEYS[4], 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
			end
			return {1, lost, trimmed}
			""");

	private static final Script APPEND = new Script(EPOCH_CHECK + """
			local result = {1, lost}
			for i = 2, #ARGV, 6 do
			  result[#result + 1] = redis.call('XADD', KEYS[2], '*', 'k', ARGV[i], 't', ARGV[i + 1],
			      'm', ARGV[i + 2], 'p', ARGV[i + 3], 'o', ARGV[i + 4], 'f', ARGV[i + 5], 'e', ARGV[1])
			end
			return result
			""");

	private static final boolean LETTUCE_PRESENT = ClassUtils
		.isPresent("io.lettuce.core.api.async.BaseRedisAsyncCommands", RedisCheckpointStore.class.getClassLoader());

	private final RedisConnectionFactory connectionFactory;

	private final String keyPrefix;

	/**
	 * Create a new store.
	 * @param connectionFactory the Redis connections
	 * @param keyPrefix the prefix of every key, for example {@code rrpc}
	 */
	public RedisCheckpointStore(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this.connectionFactory = connectionFactory;
		this.keyPrefix = keyPrefix;
	}

	private String base(String name) {
		return this.keyPrefix + ":{" + name + "}:";
	}

	private byte[] key(String name, String suffix) {
		return bytes(base(name) + suffix);
	}

	private String chunkPrefix(String name) {
		return base(name) + "chunk:";
	}

	private String manifestPrefix(String name) {
		return base(name) + "checkpoint:";
	}

	@Override
	public long acquireEpoch(String name) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return nonNull(connection.stringCommands().incr(key(name, "epoch")), "INCR");
		}
	}

	@Override
	public long nextCheckpointId(String name) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return nonNull(connection.stringCommands().incr(key(name, "seq")), "INCR");
		}
	}

	@Override
	public void writeChunks(String name, long checkpointId, int firstIndex, List<byte[]> chunks) {
		Expiration expiration = Expiration.from(UNPUBLISHED_CHUNK_TTL);
		String prefix = chunkPrefix(name) + checkpointId + ":";
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.openPipeline();
			try {
				for (int i = 0; i < chunks.size(); i++) {
					connection.stringCommands()
						.set(bytes(prefix + (firstIndex + i)), chunks.get(i), expiration, SetOption.upsert());
				}
			}
			finally {
				connection.closePipeline();
			}
		}
	}

	@Override
	public ChunkWriter openChunkWriter(String name, long checkpointId) {
		RedisConnection connection = this.connectionFactory.getConnection();
		if (LETTUCE_PRESENT && LettuceChunks.supports(connection)) {
			return new LettuceChunks.Writer(connection, this.connectionFactory, chunkPrefix(name) + checkpointId + ":",
					UNPUBLISHED_CHUNK_TTL);
		}
		connection.close();
		return CheckpointStore.super.openChunkWriter(name, checkpointId);
	}

	@Override
	public PublishResult publish(String name, long epoch, CheckpointManifest manifest, int keep) {
		List<byte[]> arguments = new ArrayList<>();
		arguments.add(key(name, "epoch"));
		arguments.add(key(name, "checkpoints"));
		arguments.add(bytes(manifestPrefix(name) + manifest.id()));
		arguments.add(key(name, "log"));
		arguments.add(bytes(Long.toString(epoch)));
		arguments.add(bytes(Long.toString(manifest.id())));
		arguments.add(bytes(Integer.toString(keep)));
		arguments.add(bytes(chunkPrefix(name)));
		arguments.add(bytes(manifestPrefix(name)));
		arguments.add(bytes(Integer.toString(manifest.chunks())));
		toHash(manifest).forEach((field, value) -> {
			arguments.add(bytes(field));
			arguments.add(bytes(value));
		});
		List<Object> result;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			result = run(connection, PUBLISH, 4, arguments);
		}
		long status = number(result.get(0));
		if (status == 0) {
			throw new CheckpointFencedException(name, epoch, number(result.get(1)));
		}
		if (status == -1) {
			throw new IllegalStateException("Checkpoint " + manifest.id() + " of '" + name
					+ "' is older than the published checkpoint " + number(result.get(1)));
		}
		if (status == -2) {
			throw new IllegalStateException("Chunk " + number(result.get(1)) + " of checkpoint " + manifest.id()
					+ " of '" + name + "' is missing");
		}
		return new PublishResult(number(result.get(2)), number(result.get(1)) == 1);
	}

	@Override
	public void discard(String name, long checkpointId, int chunks) {
		if (chunks <= 0) {
			return;
		}
		byte[][] keys = new byte[chunks][];
		for (int i = 0; i < chunks; i++) {
			keys[i] = bytes(chunkPrefix(name) + checkpointId + ":" + i);
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.keyCommands().unlink(keys);
		}
	}

	@Override
	public List<CheckpointManifest> list(String name) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			List<byte[]> ids = connection.listCommands().lRange(key(name, "checkpoints"), 0, -1);
			List<CheckpointManifest> manifests = new ArrayList<>();
			if (ids == null) {
				return manifests;
			}
			for (byte[] id : ids) {
				Map<byte[], byte[]> hash = connection.hashCommands().hGetAll(bytes(manifestPrefix(name) + string(id)));
				if (hash != null && !hash.isEmpty()) {
					manifests.add(fromHash(hash));
				}
			}
			return manifests;
		}
	}

	@Override
	public List<byte[]> readChunks(String name, long checkpointId, int firstIndex, int count) {
		String prefix = chunkPrefix(name) + checkpointId + ":";
		List<Object> results;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			if (LETTUCE_PRESENT && LettuceChunks.supports(connection)) {
				return LettuceChunks.read(connection, this.connectionFactory, prefix, firstIndex, count);
			}
			connection.openPipeline();
			try {
				for (int i = 0; i < count; i++) {
					connection.stringCommands().get(bytes(prefix + (firstIndex + i)));
				}
			}
			finally {
				results = connection.closePipeline();
			}
		}
		List<byte[]> chunks = new ArrayList<>(count);
		for (Object result : results) {
			chunks.add((byte[]) result);
		}
		return chunks;
	}

	@Override
	public AppendResult append(String name, long epoch, List<CommandLogEntry> entries) {
		List<byte[]> arguments = new ArrayList<>(3 + entries.size() * 6);
		arguments.add(key(name, "epoch"));
		arguments.add(key(name, "log"));
		arguments.add(bytes(Long.toString(epoch)));
		for (CommandLogEntry entry : entries) {
			arguments.add(bytes(entry.idempotencyKey()));
			arguments.add(bytes(Long.toString(entry.timestamp())));
			arguments.add(bytes(entry.method()));
			arguments.add(bytes(entry.params()));
			// an empty ordering key or fingerprint is read back as none
			arguments.add(bytes((entry.orderingKey() != null) ? entry.orderingKey() : ""));
			arguments.add(bytes((entry.fingerprint() != null) ? entry.fingerprint() : ""));
		}
		List<Object> result;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			result = run(connection, APPEND, 2, arguments);
		}
		if (number(result.get(0)) == 0) {
			throw new CheckpointFencedException(name, epoch, number(result.get(1)));
		}
		List<String> ids = new ArrayList<>(entries.size());
		for (int i = 2; i < result.size(); i++) {
			ids.add(string((byte[]) result.get(i)));
		}
		return new AppendResult(ids, number(result.get(1)) == 1);
	}

	@Override
	public int awaitReplicas(String name, int replicas, Duration timeout) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Object result;
			if (LETTUCE_PRESENT) {
				result = LettuceWait.await(connection, key(name, "log"), replicas, timeout);
			}
			else if (connection instanceof RedisClusterConnection cluster) {
				result = cluster.execute("WAIT", key(name, "log"),
						List.of(bytes(Integer.toString(replicas)), bytes(Long.toString(timeout.toMillis()))));
			}
			else {
				result = connection.execute("WAIT", bytes(Integer.toString(replicas)),
						bytes(Long.toString(timeout.toMillis())));
			}
			return (int) number(result);
		}
	}

	@Override
	public List<CommandLogEntry> readLog(String name, String afterId, int limit) {
		List<ByteRecord> records;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			records = connection.streamCommands()
				.xRange(key(name, "log"), Range.rightUnbounded(Range.Bound.inclusive(afterId)),
						Limit.limit().count(limit + 1));
		}
		List<CommandLogEntry> entries = new ArrayList<>();
		if (records == null) {
			return entries;
		}
		for (ByteRecord record : records) {
			String id = record.getId().getValue();
			if (id.equals(afterId) || entries.size() == limit) {
				continue;
			}
			Map<String, String> fields = new LinkedHashMap<>();
			record.getValue().forEach((field, value) -> fields.put(string(field), string(value)));
			entries.add(new CommandLogEntry(id, fields.getOrDefault("k", ""),
					Long.parseLong(fields.getOrDefault("t", "0")), fields.getOrDefault("m", ""),
					fields.getOrDefault("p", "[]"), emptyToNull(fields.get("o")), emptyToNull(fields.get("f"))));
		}
		return entries;
	}

	@Override
	public long logLength(String name) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Long length = connection.streamCommands().xLen(key(name, "log"));
			return (length != null) ? length : 0;
		}
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	private static List<Object> run(RedisConnection connection, Script script, int keys, List<byte[]> arguments) {
		byte[][] keysAndArgs = arguments.toArray(new byte[0][]);
		List<Object> result;
		try {
			result = connection.scriptingCommands().evalSha(script.sha, ReturnType.MULTI, keys, keysAndArgs);
		}
		catch (RuntimeException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			result = connection.scriptingCommands().eval(script.source, ReturnType.MULTI, keys, keysAndArgs);
		}
		if (result == null || result.isEmpty()) {
			throw new IllegalStateException("Lua script returned no result");
		}
		return result;
	}

	private static boolean isNoScript(Throwable ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current.getMessage() != null && current.getMessage().contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	private static Map<String, String> toHash(CheckpointManifest manifest) {
		Map<String, String> hash = new LinkedHashMap<>();
		hash.put("id", Long.toString(manifest.id()));
		hash.put("epoch", Long.toString(manifest.epoch()));
		hash.put("format", Integer.toString(manifest.format()));
		hash.put("compression", manifest.compression().name());
		hash.put("chunks", Integer.toString(manifest.chunks()));
		hash.put("size", Long.toString(manifest.size()));
		hash.put("crc32c", Long.toString(manifest.checksum()));
		hash.put("cursor", manifest.logCursor());
		hash.put("created", Long.toString(manifest.createdAt()));
		return hash;
	}

	private static CheckpointManifest fromHash(Map<byte[], byte[]> raw) {
		Map<String, String> hash = new LinkedHashMap<>();
		raw.forEach((field, value) -> hash.put(string(field), string(value)));
		return new CheckpointManifest(Long.parseLong(field(hash, "id")), Long.parseLong(field(hash, "epoch")),
				Integer.parseInt(field(hash, "format")), Compression.valueOf(field(hash, "compression")),
				Integer.parseInt(field(hash, "chunks")), Long.parseLong(field(hash, "size")),
				Long.parseLong(field(hash, "crc32c")), field(hash, "cursor"), Long.parseLong(field(hash, "created")));
	}

	private static String field(Map<String, String> manifest, String name) {
		String value = manifest.get(name);
		if (value == null) {
			throw new IllegalStateException("Checkpoint manifest " + manifest + " has no field '" + name + "'");
		}
		return value;
	}

	private static long number(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof byte[] bytes) {
			return Long.parseLong(string(bytes));
		}
		throw new IllegalStateException("Unexpected reply from Redis: " + value);
	}

	private static long nonNull(@Nullable Long value, String command) {
		if (value == null) {
			throw new IllegalStateException(command + " returned no value (called inside a pipeline?)");
		}
		return value;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] value) {
		return new String(value, StandardCharsets.UTF_8);
	}

	private static final class Script {

		private final byte[] source;

		private final String sha;

		Script(String source) {
			this.source = bytes(source);
			try {
				this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * Chunk I/O on Lettuce's asynchronous API of the connection Spring hands out (the
	 * shared one by default): commands are pipelined without opening a dedicated
	 * connection, and a writer keeps a bounded number of chunks in flight while the next
	 * ones are produced. In a cluster the commands are routed by key, and all chunks of a
	 * checkpoint share one slot.
	 */
	private static final class LettuceChunks {

		private static final int IN_FLIGHT = 8;

		static boolean supports(RedisConnection connection) {
			return connection.getNativeConnection() instanceof RedisClusterAsyncCommands<?, ?>;
		}

		@SuppressWarnings("unchecked")
		private static RedisClusterAsyncCommands<byte[], byte[]> commands(RedisConnection connection) {
			return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
		}

		private static Duration timeout(RedisConnectionFactory factory) {
			if (factory instanceof LettuceConnectionFactory lettuce) {
				return Duration.ofMillis(lettuce.getTimeout());
			}
			return Duration.ofSeconds(60);
		}

		static List<byte[]> read(RedisConnection connection, RedisConnectionFactory factory, String prefix, int first,
				int count) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
			List<RedisFuture<byte[]>> futures = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				futures.add(commands.get(bytes(prefix + (first + i))));
			}
			long deadline = System.nanoTime() + timeout(factory).toNanos() + TimeUnit.SECONDS.toNanos(count);
			List<byte[]> chunks = new ArrayList<>(count);
			for (RedisFuture<byte[]> future : futures) {
				chunks.add(await(future, deadline));
			}
			return chunks;
		}

		private static <T> T await(Future<T> future, long deadline) {
			try {
				return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for Redis", ex);
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException("Redis command failed: " + ex.getCause(), ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new IllegalStateException("Redis command timed out", ex);
			}
		}

		static final class Writer implements ChunkWriter {

			private final RedisConnection connection;

			private final RedisClusterAsyncCommands<byte[], byte[]> commands;

			private final String prefix;

			private final SetArgs args;

			private final Duration timeout;

			private final Semaphore inFlight = new Semaphore(IN_FLIGHT);

			private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

			private int count;

			Writer(RedisConnection connection, RedisConnectionFactory factory, String prefix, Duration ttl) {
				this.connection = connection;
				this.commands = commands(connection);
				this.prefix = prefix;
				this.args = SetArgs.Builder.px(ttl.toMillis());
				this.timeout = timeout(factory);
			}

			@Override
			public void write(byte[] chunk) {
				throwIfFailed();
				acquire(1);
				RedisFuture<String> future = this.commands.set(bytes(this.prefix + this.count), chunk, this.args);
				this.count++;
				future.whenComplete((result, ex) -> {
					if (ex != null) {
						this.failure.compareAndSet(null, ex);
					}
					this.inFlight.release();
				});
			}

			private void acquire(int permits) {
				try {
					if (!this.inFlight.tryAcquire(permits, this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
						throw new IllegalStateException("Chunk writes did not complete within " + this.timeout);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted while writing chunks", ex);
				}
			}

			private void throwIfFailed() {
				Throwable ex = this.failure.get();
				if (ex != null) {
					throw new IllegalStateException("Writing a chunk failed: " + ex, ex);
				}
			}

			@Override
			public int count() {
				return this.count;
			}

			@Override
			public void finish() {
				acquire(IN_FLIGHT);
				this.inFlight.release(IN_FLIGHT);
				throwIfFailed();
			}

			@Override
			public void close() {
				this.connection.close();
			}

		}

	}

	/**
	 * Sends {@code WAIT} over the connection that carried the writes: WAIT counts the
	 * replicas that acknowledged the writes of its own connection. In a cluster that is
	 * the write connection to the node owning the log's slot.
	 */
	private static final class LettuceWait {

		@SuppressWarnings("unchecked")
		static Object await(RedisConnection connection, byte[] logKey, int replicas, Duration timeout) {
			Object nativeConnection = connection.getNativeConnection();
			BaseRedisAsyncCommands<byte[], byte[]> commands;
			if (connection instanceof RedisClusterConnection cluster
					&& nativeConnection instanceof RedisAdvancedClusterAsyncCommands<?, ?> clusterCommands) {
				RedisClusterNode node = cluster.clusterGetNodeForKey(logKey);
				commands = ((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) clusterCommands)
					.getConnection(node.getId());
			}
			else if (nativeConnection instanceof BaseRedisAsyncCommands<?, ?> base) {
				commands = (BaseRedisAsyncCommands<byte[], byte[]>) base;
			}
			else {
				return connection.execute("WAIT", bytes(Integer.toString(replicas)),
						bytes(Long.toString(timeout.toMillis())));
			}
			try {
				return commands.waitForReplication(replicas, timeout.toMillis())
					.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for replicas", ex);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("WAIT for " + replicas + " replicas failed", ex);
			}
		}

	}

}
