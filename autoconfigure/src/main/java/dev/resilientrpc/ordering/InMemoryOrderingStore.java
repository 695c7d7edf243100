package dev.resilientrpc.ordering;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * An {@link OrderingStore} in this JVM's memory, for a single node: what it knows is lost
 * when the process ends and is not seen by other instances.
 *
 * <p>
 * Each operation on an ordered call runs inside one {@code compute} on the call's
 * ordering key, which makes it atomic with respect to every other operation on that key;
 * the records of ordered calls are keyed by ordering key and idempotency key, so they are
 * touched only there. Records expire after their TTL and, beyond {@code maxRecords}, the
 * oldest completed records are evicted first: a retry arriving after its record was
 * evicted is then judged afresh (an ordered one is stale, since its own timestamp is the
 * key's high-water mark or below it). Expired records are removed a few at a time as new
 * ones are claimed; forgotten high-water marks by a sweep at most once a minute.
 */
public final class InMemoryOrderingStore implements OrderingStore {

	private static final int EVICTIONS_PER_CLAIM = 2;

	private static final long MAX_SWEEP_INTERVAL_MILLIS = 60_000;

	private final Clock clock;

	private final long recordTtlMillis;

	private final Duration watermarkTtl;

	private final long watermarkTtlMillis;

	private final int maxRecords;

	private final long sweepIntervalMillis;

	private final ConcurrentHashMap<String, KeyState> keys = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<RecordKey, Record> records = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Record> recordsByAge = new ConcurrentLinkedQueue<>();

	private final AtomicLong nextSweep;

	/**
	 * Create a store.
	 * @param clock the clock that times expiry
	 * @param recordTtl how long an idempotency record is kept
	 * @param watermarkTtl how long the high-water mark of an idle key is kept
	 * @param maxRecords the most records kept; the oldest completed ones are evicted
	 * first
	 */
	public InMemoryOrderingStore(Clock clock, Duration recordTtl, Duration watermarkTtl, int maxRecords) {
		if (recordTtl.isNegative() || recordTtl.isZero()) {
			throw new IllegalArgumentException("recordTtl: " + recordTtl + " (expected: > 0)");
		}
		if (watermarkTtl.isNegative() || watermarkTtl.isZero()) {
			throw new IllegalArgumentException("watermarkTtl: " + watermarkTtl + " (expected: > 0)");
		}
		if (maxRecords < 1) {
			throw new IllegalArgumentException("maxRecords: " + maxRecords + " (expected: > 0)");
		}
		this.clock = clock;
		this.recordTtlMillis = recordTtl.toMillis();
		this.watermarkTtl = watermarkTtl;
		this.watermarkTtlMillis = watermarkTtl.toMillis();
		this.maxRecords = maxRecords;
		this.sweepIntervalMillis = Math.min(this.watermarkTtlMillis, MAX_SWEEP_INTERVAL_MILLIS);
		this.nextSweep = new AtomicLong(clock.millis() + this.sweepIntervalMillis);
	}

	@Override
	public Admission begin(Ticket ticket) {
		long now = this.clock.millis();
		sweep(now);
		OrderingSlot slot = ticket.slot();
		IdempotencyClaim claim = ticket.claim();
		if (slot == null) {
			return claim(new RecordKey(null, requireClaim(claim).key()), ticket, now);
		}
		Admission[] admission = new Admission[1];
		this.keys.compute(slot.key(), (key, existing) -> {
			KeyState state = (existing != null && (existing.running || existing.expiresAt > now)) ? existing : null;
			RecordKey recordKey = (claim != null) ? new RecordKey(slot.key(), claim.key()) : null;
			if (claim != null) {
				Record record = live(recordKey, now);
				if (record != null) {
					admission[0] = judge(record, claim);
					return state;
				}
			}
			if (state != null && state.highWaterMark >= slot.timestamp()) {
				if (claim != null && slot.stalePolicy() == StalePolicy.IGNORE) {
					Record ignored = newRecord(recordKey, ticket, now);
					ignored.outcome = StoredOutcome.NULL_RESULT;
				}
				admission[0] = Admission.stale(state.highWaterMark);
				return state;
			}
			if (state != null && state.running) {
				admission[0] = Admission.busy(state.runningTimestamp);
				return state;
			}
			KeyState admitted = (state != null) ? state : new KeyState();
			admitted.previousHighWaterMark = (state != null) ? state.highWaterMark : -1;
			admitted.highWaterMark = slot.timestamp();
			admitted.running = true;
			admitted.runningTimestamp = slot.timestamp();
			admitted.owner = ticket.id();
			admitted.expiresAt = now + this.watermarkTtlMillis;
			if (claim != null) {
				newRecord(recordKey, ticket, now);
			}
			admission[0] = Admission.admitted();
			return admitted;
		});
		evict(now);
		return admission[0];
	}

	private static IdempotencyClaim requireClaim(@Nullable IdempotencyClaim claim) {
		if (claim == null) {
			throw new IllegalArgumentException("A ticket needs an ordering slot, an idempotency claim or both");
		}
		return claim;
	}

	private Admission claim(RecordKey recordKey, Ticket ticket, long now) {
		IdempotencyClaim claim = requireClaim(ticket.claim());
		Admission[] admission = new Admission[1];
		this.records.compute(recordKey, (key, existing) -> {
			if (existing != null && existing.expiresAt > now) {
				admission[0] = judge(existing, claim);
				return existing;
			}
			Record record = new Record(key, claim.fingerprint(), ticket.id(),
					now + claim.ttlMillis(this.recordTtlMillis));
			this.recordsByAge.add(record);
			admission[0] = Admission.admitted();
			return record;
		});
		evict(now);
		return admission[0];
	}

	private static Admission judge(Record record, IdempotencyClaim claim) {
		if (!record.fingerprint.equals(claim.fingerprint())) {
			return Admission.keyReused();
		}
		StoredOutcome outcome = record.outcome;
		return (outcome != null) ? Admission.replay(outcome) : Admission.inFlight();
	}

	private @Nullable Record live(@Nullable RecordKey recordKey, long now) {
		Record record = (recordKey != null) ? this.records.get(recordKey) : null;
		return (record != null && record.expiresAt > now) ? record : null;
	}

	private Record newRecord(@Nullable RecordKey recordKey, Ticket ticket, long now) {
		if (recordKey == null) {
			throw new IllegalStateException("No record key");
		}
		IdempotencyClaim claim = requireClaim(ticket.claim());
		Record record = new Record(recordKey, claim.fingerprint(), ticket.id(),
				now + claim.ttlMillis(this.recordTtlMillis));
		this.records.put(recordKey, record);
		this.recordsByAge.add(record);
		return record;
	}

	@Override
	public void end(Ticket ticket, boolean executed, @Nullable StoredOutcome outcome) {
		IdempotencyClaim claim = ticket.claim();
		if (executed && claim != null && outcome == null) {
			throw new IllegalArgumentException("The outcome of an executed call with an idempotency key is required");
		}
		long now = this.clock.millis();
		OrderingSlot slot = ticket.slot();
		if (slot == null) {
			settle(new RecordKey(null, requireClaim(claim).key()), ticket, executed, outcome, now);
			return;
		}
		this.keys.computeIfPresent(slot.key(), (key, state) -> {
			if (claim != null) {
				settle(new RecordKey(slot.key(), claim.key()), ticket, executed, outcome, now);
			}
			if (!state.running || !ticket.id().equals(state.owner)) {
				return state;
			}
			state.running = false;
			state.owner = null;
			if (!executed) {
				// the key was locked since the admission, so nothing else moved the mark
				// meanwhile
				if (state.previousHighWaterMark < 0) {
					return null;
				}
				state.highWaterMark = state.previousHighWaterMark;
			}
			return state;
		});
	}

	private void settle(RecordKey recordKey, Ticket ticket, boolean executed, @Nullable StoredOutcome outcome,
			long now) {
		this.records.computeIfPresent(recordKey, (key, record) -> {
			if (!ticket.id().equals(record.owner) || record.outcome != null) {
				return record;
			}
			if (!executed) {
				return null;
			}
			record.outcome = outcome;
			record.expiresAt = now + requireClaim(ticket.claim()).ttlMillis(this.recordTtlMillis);
			return record;
		});
	}

	@Override
	public OptionalLong findHighWaterMark(String orderingKey) {
		long now = this.clock.millis();
		long[] mark = { -1 };
		this.keys.computeIfPresent(orderingKey, (key, state) -> {
			if (state.running || state.expiresAt > now) {
				mark[0] = state.highWaterMark;
			}
			return state;
		});
		return (mark[0] >= 0) ? OptionalLong.of(mark[0]) : OptionalLong.empty();
	}

	@Override
	public Map<String, Long> sampleHighWaterMarks(int limit) {
		long now = this.clock.millis();
		Map<String, Long> marks = new LinkedHashMap<>();
		for (Map.Entry<String, KeyState> entry : this.keys.entrySet()) {
			if (marks.size() >= limit) {
				break;
			}
			KeyState state = entry.getValue();
			// read without the key's lock: a sample to show may be a moment old
			if (state.running || state.expiresAt > now) {
				marks.put(entry.getKey(), state.highWaterMark);
			}
		}
		return marks;
	}

	@Override
	public Duration getWatermarkTtl() {
		return this.watermarkTtl;
	}

	/**
	 * Return how many idempotency records the store holds, expired ones not yet removed
	 * included.
	 * @return the number of records
	 */
	public long recordCount() {
		return this.records.mappingCount();
	}

	/**
	 * Return how many ordering keys the store holds a high-water mark for, forgotten ones
	 * not yet swept included.
	 * @return the number of keys
	 */
	public long keyCount() {
		return this.keys.mappingCount();
	}

	private void evict(long now) {
		for (int i = 0; i < EVICTIONS_PER_CLAIM; i++) {
			Record oldest = this.recordsByAge.peek();
			if (oldest == null || (oldest.expiresAt > now && this.records.mappingCount() <= this.maxRecords
					&& this.records.get(oldest.key) == oldest)) {
				return;
			}
			oldest = this.recordsByAge.poll();
			if (oldest == null || this.records.get(oldest.key) != oldest) {
				continue;
			}
			if (oldest.expiresAt > now && (oldest.outcome == null || this.records.mappingCount() <= this.maxRecords)) {
				// in flight (never evicted for space, or its retry could run while it
				// does), or no longer in excess
				this.recordsByAge.add(oldest);
				continue;
			}
			this.records.remove(oldest.key, oldest);
		}
	}

	private void sweep(long now) {
		long due = this.nextSweep.get();
		if (now < due || !this.nextSweep.compareAndSet(due, now + this.sweepIntervalMillis)) {
			return;
		}
		for (String key : this.keys.keySet()) {
			this.keys.computeIfPresent(key, (k, state) -> (!state.running && state.expiresAt <= now) ? null : state);
		}
	}

	private static final class KeyState {

		long highWaterMark;

		long previousHighWaterMark;

		boolean running;

		long runningTimestamp;

		@Nullable String owner;

		long expiresAt;

	}

	private record RecordKey(@Nullable String orderingKey, String idempotencyKey) {
	}

	private static final class Record {

		final RecordKey key;

		final String fingerprint;

		final String owner;

		volatile @Nullable StoredOutcome outcome;

		volatile long expiresAt;

		Record(RecordKey key, String fingerprint, String owner, long expiresAt) {
			this.key = key;
			this.fingerprint = fingerprint;
			this.owner = owner;
			this.expiresAt = expiresAt;
		}

	}

}
