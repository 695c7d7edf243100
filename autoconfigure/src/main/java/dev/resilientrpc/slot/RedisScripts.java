package dev.resilientrpc.slot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * Runs Lua scripts, many at once when the connection allows: on Lettuce (standalone,
 * Sentinel or Cluster) all of a batch are sent before the first reply is awaited, so a
 * batch costs about one round trip; on other drivers they run one after another.
 */
final class RedisScripts {

	private static final boolean LETTUCE_PRESENT = ClassUtils
		.isPresent("io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands", RedisScripts.class.getClassLoader());

	private final RedisConnectionFactory connectionFactory;

	private final Duration timeout;

	RedisScripts(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
		this.timeout = (connectionFactory instanceof LettuceConnectionFactory lettuce)
				? Duration.ofMillis(lettuce.getTimeout()) : Duration.ofSeconds(60);
	}

	/**
	 * A Lua script with its SHA-1.
	 */
	record Script(String source, String sha) {

		static Script of(String source) {
			try {
				byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
				return new Script(source, HexFormat.of().formatHex(digest));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-1 is required of every Java platform", ex);
			}
		}

	}

	/**
	 * One run of a script.
	 *
	 * @param script the script
	 * @param keys its keys (all in one Cluster slot)
	 * @param args its arguments
	 */
	record Call(Script script, List<String> keys, List<String> args) {

	}

	/**
	 * Run one script.
	 * @param call the run
	 * @return its reply, a list
	 * @throws RuntimeException if Redis does not answer
	 */
	List<Object> run(Call call) {
		return runAll(List.of(call)).get(0);
	}

	/**
	 * Run scripts, in order, as one batch.
	 * @param calls the runs
	 * @return their replies, in order; each reply is a list of {@code Long} and
	 * {@code byte[]} elements
	 * @throws RuntimeException if Redis does not answer one of them
	 */
	List<List<Object>> runAll(List<Call> calls) {
		if (calls.isEmpty()) {
			return List.of();
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			if (LETTUCE_PRESENT && Lettuce.supports(connection)) {
				return Lettuce.runAll(connection, calls, this.timeout);
			}
			List<List<Object>> replies = new ArrayList<>(calls.size());
			for (Call call : calls) {
				replies.add(runOne(connection, call));
			}
			return replies;
		}
	}

	private static List<Object> runOne(RedisConnection connection, Call call) {
		byte[][] keysAndArgs = keysAndArgs(call);
		Object reply;
		try {
			reply = connection.scriptingCommands()
				.evalSha(call.script().sha(), ReturnType.MULTI, call.keys().size(), keysAndArgs);
		}
		catch (RuntimeException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			reply = connection.scriptingCommands()
				.eval(bytes(call.script().source()), ReturnType.MULTI, call.keys().size(), keysAndArgs);
		}
		return list(reply);
	}

	private static byte[][] keysAndArgs(Call call) {
		byte[][] keysAndArgs = new byte[call.keys().size() + call.args().size()][];
		int i = 0;
		for (String key : call.keys()) {
			keysAndArgs[i++] = bytes(key);
		}
		for (String arg : call.args()) {
			keysAndArgs[i++] = bytes(arg);
		}
		return keysAndArgs;
	}

	static boolean isNoScript(@Nullable Throwable ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current.getMessage() != null && current.getMessage().contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(@Nullable Object reply) {
		if (!(reply instanceof List<?> list)) {
			throw new IllegalStateException("A script answered " + reply + " (expected: a list)");
		}
		return (List<Object>) list;
	}

	static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	static String string(@Nullable Object value) {
		if (value instanceof byte[] raw) {
			return new String(raw, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

	static long number(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		return Long.parseLong(string(value));
	}

	/**
	 * Sends a batch over Lettuce's asynchronous commands, which a Cluster routes by key.
	 */
	private static final class Lettuce {

		static boolean supports(RedisConnection connection) {
			return connection.getNativeConnection() instanceof RedisClusterAsyncCommands<?, ?>;
		}

		@SuppressWarnings("unchecked")
		static List<List<Object>> runAll(RedisConnection connection, List<Call> calls, Duration timeout) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			List<RedisFuture<Object>> futures = new ArrayList<>(calls.size());
			for (Call call : calls) {
				futures.add(commands.evalsha(call.script().sha(), ScriptOutputType.MULTI, keys(call), args(call)));
			}
			long deadline = System.nanoTime() + timeout.toNanos();
			List<List<Object>> replies = new ArrayList<>(calls.size());
			for (int i = 0; i < calls.size(); i++) {
				Object reply;
				try {
					reply = await(futures.get(i), deadline);
				}
				catch (RuntimeException ex) {
					if (!isNoScript(ex)) {
						throw ex;
					}
					Call call = calls.get(i);
					reply = await(commands.eval(call.script().source(), ScriptOutputType.MULTI, keys(call), args(call)),
							deadline);
				}
				replies.add(list(reply));
			}
			return replies;
		}

		private static byte[][] keys(Call call) {
			return call.keys().stream().map(RedisScripts::bytes).toArray(byte[][]::new);
		}

		private static byte[][] args(Call call) {
			return call.args().stream().map(RedisScripts::bytes).toArray(byte[][]::new);
		}

		private static Object await(RedisFuture<Object> future, long deadline) {
			try {
				return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for Redis", ex);
			}
			catch (ExecutionException ex) {
				Throwable cause = ex.getCause();
				throw new IllegalStateException("A Redis script failed: " + cause, cause);
			}
			catch (TimeoutException ex) {
				future.cancel(false);
				throw new IllegalStateException("Redis did not answer a script in time", ex);
			}
		}

	}

}
