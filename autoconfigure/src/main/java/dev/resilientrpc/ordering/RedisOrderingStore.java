package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * An {@link OrderingStore} in Redis, shared by all instances, so that an instance that
 * takes over an ordering key after a failover knows its high-water mark and the outcomes
 * of its calls. Each of {@link #begin} and {@link #end} is one Lua script, that is one
 * round trip, atomic.
 *
 * <p>
 * Layout, for key prefix {@code p} ({@code resilient-rpc:} by default); the ordering key
 * {@code ok} and the idempotency key {@code ik} are written with {@code %},
 * <code>{</code> and <code>}</code> percent-encoded, so that the hash tag is always
 * exactly the key:
 * <ul>
 * <li><code>p{ok}:hw</code>: string, the key's high-water mark, a timestamp zero-padded
 * to 19 digits (so that Lua compares it without losing precision); expires after the
 * watermark TTL without admissions;</li>
 * <li><code>p{ok}:lock</code>: string {@code timestamp:ticket:replaced}, the timestamp
 * and {@link Ticket} id of the call executing on the key and the high-water mark it
 * replaced (restored if the call does not run after all); expires after the lock lease
 * should its instance die before unlocking;</li>
 * <li><code>p{ok}:idem:ik</code>: hash {@code fp} (fingerprint), {@code own} (the ticket
 * id, while in flight), {@code out} (the encoded outcome, once completed): the record of
 * an ordered call, in the same Cluster slot as its key's high-water mark and lock;</li>
 * <li><code>p{ik}:idem</code>: the same hash for a call without an ordering key.</li>
 * </ul>
 * Records expire after the record TTL, in flight or not: a call whose instance died while
 * executing it is never executed again while its record lives.
 *
 * <p>
 * If Redis does not take the end of a call (it failed after the call ran), this store
 * keeps the end in memory and writes it before its next operation: until then the call's
 * key stays locked and its record in flight, so nothing runs twice; afterwards the key is
 * free and retries of the call get its outcome. The same goes for a {@code begin} whose
 * reply was lost: Redis may have admitted the call, so its undoing (an end of a call that
 * did not run) is kept and written the same way. Ends touch only what their ticket took.
 * Should this instance stop first, the lock expires with its lease and the record stays
 * in flight until it expires: the call is not run again.
 */
public final class RedisOrderingStore implements OrderingStore {

	static final String BEGIN_SCRIPT = """
			local function above(a, b)
			  local x, y = tonumber(string.sub(a, 1, 10)), tonumber(string.sub(b, 1, 10))
			  if x ~= y then return x > y end
			  return tonumber(string.sub(a, 11)) > tonumber(string.sub(b, 11))
			end
			local function judge(record, fp)
			  local r = redis.call('HMGET', record, 'fp', 'out')
			  if not r[1] then return nil end
			  if r[1] ~= fp then return {'reused'} end
			  if r[2] then return {'replay', r[2]} end
			  return {'in-flight'}
			end
			local function claim(record, fp, owner, ttl)
			  redis.call('HSET', record, 'fp', fp, 'own', owner)
			  redis.call('PEXPIRE', record, ttl)
			end
			if ARGV[1] == 'u' then
			  -- KEYS: record; ARGV: mode, fingerprint, record TTL, ticket
			  local known = judge(KEYS[1], ARGV[2])
			  if known then return known end
			  claim(KEYS[1], ARGV[2], ARGV[4], ARGV[3])
			  return {'admitted'}
			end
			-- KEYS: high-water mark, lock[, record]
			-- ARGV: mode, timestamp, fingerprint, record TTL, policy, ignored outcome, lease, watermark TTL, ticket
			local record = KEYS[3]
			if record then
			  local known = judge(record, ARGV[3])
			  if known then return known end
			end
			local hw = redis.call('GET', KEYS[1])
			if hw and not above(ARGV[2], hw) then
			  if record and ARGV[5] == 'ignore' then
			    redis.call('HSET', record, 'fp', ARGV[3], 'out', ARGV[6])
			    redis.call('PEXPIRE', record, ARGV[4])
			  end
			  return {'stale', hw}
			end
			local lock = redis.call('GET', KEYS[2])
			if lock then return {'busy', string.sub(lock, 1, 19)} end
			redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[8])
			-- timestamp:ticket:replaced mark, to restore the mark if the call does not run
			redis.call('SET', KEYS[2], ARGV[2] .. ':' .. ARGV[9] .. ':' .. (hw or ''), 'PX', ARGV[7])
			if record then claim(record, ARGV[3], ARGV[9], ARGV[4]) end
			return {'admitted'}
			""";

	static final String END_SCRIPT = """
			-- KEYS: record (mode 'u'), or high-water mark, lock[, record] (mode 'o')
			-- ARGV: mode, ticket, executed ('1' or '0'), outcome, record TTL, watermark TTL
			local record
			if ARGV[1] == 'u' then
			  record = KEYS[1]
			else
			  record = KEYS[3]
			  local lock = redis.call('GET', KEYS[2])
			  local owner_end = lock and string.find(lock, ':', 21, true)
			  if owner_end and string.sub(lock, 21, owner_end - 1) == ARGV[2] then
			    redis.call('DEL', KEYS[2])
			    if ARGV[3] == '0' then
			      local previous = string.sub(lock, owner_end + 1)
			      if previous == '' then
			        redis.call('DEL', KEYS[1])
			      else
			        redis.call('SET', KEYS[1], previous, 'PX', ARGV[6])
			      end
			    end
			  end
			end
			if record then
			  local r = redis.call('HMGET', record, 'own', 'out')
			  if r[1] == ARGV[2] and not r[2] then
			    if ARGV[3] == '0' then
			      redis.call('DEL', record)
			    else
			      redis.call('HSET', record, 'out', ARGV[4])
			      redis.call('HDEL', record, 'own')
			      redis.call('PEXPIRE', record, ARGV[5])
			    end
			  end
			end
			return 1
			""";

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> BEGIN = new DefaultRedisScript<>(BEGIN_SCRIPT, List.class);

	private static final RedisScript<Long> END = new DefaultRedisScript<>(END_SCRIPT, Long.class);

	private static final int TIMESTAMP_DIGITS = 19;

	private static final int MAX_PENDING_ENDS = 10_000;

	private static final Log logger = LogFactory.getLog(RedisOrderingStore.class);

	private final StringRedisTemplate redis;

	private final String prefix;

	private final long recordTtlMillis;

	private final Duration watermarkTtl;

	private final String watermarkTtlMillis;

	private final String leaseMillis;

	private final ConcurrentLinkedQueue<PendingEnd> pendingEnds = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pendingCount = new AtomicInteger();

	/**
	 * Create a store.
	 * @param redis the template to run the scripts with
	 * @param keyPrefix the prefix of every key, without <code>{</code> or <code>}</code>
	 * @param recordTtl how long an idempotency record is kept
	 * @param watermarkTtl how long the high-water mark of a key without admissions is
	 * kept
	 * @param lease how long a key stays locked by a call whose instance died before
	 * unlocking it; longer than any call runs
	 */
	public RedisOrderingStore(StringRedisTemplate redis, String keyPrefix, Duration recordTtl, Duration watermarkTtl,
			Duration lease) {
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("keyPrefix: '" + keyPrefix + "' (expected: no '{' or '}')");
		}
		requirePositive("recordTtl", recordTtl);
		requirePositive("watermarkTtl", watermarkTtl);
		requirePositive("lease", lease);
		this.redis = redis;
		this.prefix = keyPrefix;
		this.recordTtlMillis = recordTtl.toMillis();
		this.watermarkTtl = watermarkTtl;
		this.watermarkTtlMillis = Long.toString(watermarkTtl.toMillis());
		this.leaseMillis = Long.toString(lease.toMillis());
	}

	private static void requirePositive(String name, Duration value) {
		if (value.toMillis() <= 0) {
			throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1ms)");
		}
	}

	@Override
	public Admission begin(Ticket ticket) {
		flushPendingEnds();
		OrderingSlot slot = ticket.slot();
		IdempotencyClaim claim = ticket.claim();
		List<?> reply;
		try {
			if (slot == null) {
				IdempotencyClaim unordered = requireClaim(claim);
				reply = run(BEGIN, List.of(recordKey(null, unordered.key())), "u", unordered.fingerprint(),
						recordTtl(unordered), ticket.id());
			}
			else {
				String tag = encode(slot.key());
				List<String> keys = (claim != null)
						? List.of(watermarkKey(tag), lockKey(tag), orderedRecordKey(tag, claim.key()))
						: List.of(watermarkKey(tag), lockKey(tag));
				reply = run(BEGIN, keys, "o", pad(slot.timestamp()), (claim != null) ? claim.fingerprint() : "",
						recordTtl(claim), (slot.stalePolicy() == StalePolicy.IGNORE) ? "ignore" : "reject",
						StoredOutcome.NULL_RESULT.encode(), this.leaseMillis, this.watermarkTtlMillis, ticket.id());
			}
		}
		catch (OrderingStoreException ex) {
			undoLater(ticket);
			throw ex;
		}
		return admission(reply);
	}

	/**
	 * Undo, before the next operation, whatever a {@code begin} of the ticket did: Redis
	 * may have run the script and lost only the reply.
	 */
	void undoLater(Ticket ticket) {
		keepForLater(pendingEnd(ticket, false, null));
	}

	private String recordTtl(@Nullable IdempotencyClaim claim) {
		return (claim != null) ? Long.toString(claim.ttlMillis(this.recordTtlMillis))
				: Long.toString(this.recordTtlMillis);
	}

	private static IdempotencyClaim requireClaim(@Nullable IdempotencyClaim claim) {
		if (claim == null) {
			throw new IllegalArgumentException("A ticket needs an ordering slot, an idempotency claim or both");
		}
		return claim;
	}

	private static Admission admission(@Nullable List<?> reply) {
		if (reply == null || reply.isEmpty()) {
			throw new IllegalStateException("Unexpected reply from the begin script: " + reply);
		}
		String decision = String.valueOf(reply.get(0));
		return switch (decision) {
			case "admitted" -> Admission.admitted();
			case "stale" -> Admission.stale(Long.parseLong(String.valueOf(reply.get(1))));
			case "busy" -> Admission.busy(Long.parseLong(String.valueOf(reply.get(1))));
			case "replay" -> Admission.replay(StoredOutcome.decode(String.valueOf(reply.get(1))));
			case "in-flight" -> Admission.inFlight();
			case "reused" -> Admission.keyReused();
			default -> throw new IllegalStateException("Unexpected reply from the begin script: " + reply);
		};
	}

	@Override
	public void end(Ticket ticket, boolean executed, @Nullable StoredOutcome outcome) {
		if (executed && ticket.claim() != null && outcome == null) {
			throw new IllegalArgumentException("The outcome of an executed call with an idempotency key is required");
		}
		PendingEnd end = pendingEnd(ticket, executed, outcome);
		try {
			run(END, end.keys(), end.arguments());
		}
		catch (OrderingStoreException ex) {
			keepForLater(end);
			throw ex;
		}
	}

	private PendingEnd pendingEnd(Ticket ticket, boolean executed, @Nullable StoredOutcome outcome) {
		OrderingSlot slot = ticket.slot();
		IdempotencyClaim claim = ticket.claim();
		Object[] arguments = { (slot != null) ? "o" : "u", ticket.id(), executed ? "1" : "0",
				(outcome != null) ? outcome.encode() : "", recordTtl(claim), this.watermarkTtlMillis };
		if (slot == null) {
			return new PendingEnd(List.of(recordKey(null, requireClaim(claim).key())), arguments);
		}
		String tag = encode(slot.key());
		List<String> keys = (claim != null)
				? List.of(watermarkKey(tag), lockKey(tag), orderedRecordKey(tag, claim.key()))
				: List.of(watermarkKey(tag), lockKey(tag));
		return new PendingEnd(keys, arguments);
	}

	/**
	 * Keep an end that Redis did not take, to write it before the next operation. Until
	 * then the call's key stays locked and its record in flight, so nothing runs twice;
	 * after it, a retry of the call gets its outcome instead of "in flight" until the
	 * record expires.
	 */
	private void keepForLater(PendingEnd end) {
		if (this.pendingCount.incrementAndGet() > MAX_PENDING_ENDS) {
			this.pendingCount.decrementAndGet();
			logger.warn("Dropping the end of a call on keys " + end.keys() + ": " + MAX_PENDING_ENDS
					+ " ends are waiting for Redis already; its record stays in flight until it expires");
			return;
		}
		this.pendingEnds.add(end);
	}

	private void flushPendingEnds() {
		if (this.pendingEnds.isEmpty()) {
			return;
		}
		PendingEnd end;
		while ((end = this.pendingEnds.poll()) != null) {
			try {
				run(END, end.keys(), end.arguments());
				this.pendingCount.decrementAndGet();
			}
			catch (OrderingStoreException ex) {
				this.pendingEnds.add(end);
				throw ex;
			}
		}
	}

	/**
	 * Return how many ends of calls wait to be written because Redis did not take them.
	 * @return the number of pending ends
	 */
	public int pendingEnds() {
		return this.pendingCount.get();
	}

	@Override
	public OptionalLong findHighWaterMark(String orderingKey) {
		String value;
		try {
			value = this.redis.opsForValue().get(watermarkKey(encode(orderingKey)));
		}
		catch (RuntimeException ex) {
			throw new OrderingStoreException("Could not read the high-water mark of '" + orderingKey + "'", ex);
		}
		return (value != null) ? OptionalLong.of(Long.parseLong(value)) : OptionalLong.empty();
	}

	/**
	 * Sample high-water marks with one {@code SCAN} pass over at most a few hundred keys
	 * and one {@code MGET}. In a Redis Cluster the sample comes from the node the
	 * connection reaches.
	 */
	@Override
	public Map<String, Long> sampleHighWaterMarks(int limit) {
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = this.redis
			.scan(ScanOptions.scanOptions().match(this.prefix + "{*}:hw").count(Math.max(100, limit)).build())) {
			while (cursor.hasNext() && keys.size() < limit) {
				keys.add(cursor.next());
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not sample high-water marks", ex);
			return Map.of();
		}
		if (keys.isEmpty()) {
			return Map.of();
		}
		List<String> values;
		try {
			values = this.redis.opsForValue().multiGet(keys);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read sampled high-water marks", ex);
			return Map.of();
		}
		Map<String, Long> marks = new LinkedHashMap<>();
		for (int i = 0; values != null && i < keys.size() && i < values.size(); i++) {
			String value = values.get(i);
			if (value != null) {
				String key = keys.get(i);
				marks.put(decode(key.substring(this.prefix.length() + 1, key.length() - "}:hw".length())),
						Long.parseLong(value));
			}
		}
		return marks;
	}

	static String decode(String tag) {
		return (tag.indexOf('%') < 0) ? tag : tag.replace("%7B", "{").replace("%7D", "}").replace("%25", "%");
	}

	@Override
	public Duration getWatermarkTtl() {
		return this.watermarkTtl;
	}

	private <T> @Nullable T run(RedisScript<T> script, List<String> keys, Object... args) {
		try {
			return this.redis.execute(script, keys, args);
		}
		catch (RuntimeException ex) {
			throw new OrderingStoreException("Redis did not answer: " + ex.getMessage(), ex);
		}
	}

	String watermarkKey(String tag) {
		return this.prefix + "{" + tag + "}:hw";
	}

	String lockKey(String tag) {
		return this.prefix + "{" + tag + "}:lock";
	}

	String orderedRecordKey(String tag, String idempotencyKey) {
		return this.prefix + "{" + tag + "}:idem:" + encode(idempotencyKey);
	}

	String recordKey(@Nullable String orderingKey, String idempotencyKey) {
		return (orderingKey != null) ? orderedRecordKey(encode(orderingKey), idempotencyKey)
				: this.prefix + "{" + encode(idempotencyKey) + "}:idem";
	}

	/**
	 * Percent-encode the characters that would change which part of a Redis key is its
	 * hash tag, and the escape character itself, so that distinct keys stay distinct.
	 */
	static String encode(String key) {
		int length = key.length();
		int i = 0;
		while (i < length) {
			char c = key.charAt(i);
			if (c == '{' || c == '}' || c == '%') {
				break;
			}
			i++;
		}
		if (i == length) {
			return key;
		}
		StringBuilder encoded = new StringBuilder(length + 8).append(key, 0, i);
		for (; i < length; i++) {
			char c = key.charAt(i);
			switch (c) {
				case '{' -> encoded.append("%7B");
				case '}' -> encoded.append("%7D");
				case '%' -> encoded.append("%25");
				default -> encoded.append(c);
			}
		}
		return encoded.toString();
	}

	private record PendingEnd(List<String> keys, Object[] arguments) {
	}

	static String pad(long timestamp) {
		String digits = Long.toString(timestamp);
		if (digits.length() >= TIMESTAMP_DIGITS) {
			return digits;
		}
		return "0".repeat(TIMESTAMP_DIGITS - digits.length()) + digits;
	}

}
