package dev.resilientrpc.autoconfigure.ordering;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.resilientrpc.ordering.OrderingListener;
import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.observation.ResilientRpcMeters;

/**
 * Records the decisions of the ordering and idempotency interceptors as Micrometer
 * meters:
 * <ul>
 * <li>{@code resilientrpc.ordering.stale} (counter; {@code method}, {@code policy}):
 * stale calls rejected or ignored;</li>
 * <li>{@code resilientrpc.ordering.replays} (counter; {@code method}): outcomes replayed
 * to retries;</li>
 * <li>{@code resilientrpc.ordering.duplicates} (counter; {@code method}): attempts
 * refused because the same call was in flight;</li>
 * <li>{@code resilientrpc.ordering.key.reused} (counter; {@code method}): idempotency
 * keys reused for another call;</li>
 * <li>{@code resilientrpc.ordering.clock.skew} (counter): timestamps refused as too far
 * ahead;</li>
 * <li>{@code resilientrpc.ordering.turn.wait} (timer; {@code method}): time ordered calls
 * waited for their turn, reorder window included;</li>
 * <li>{@code resilientrpc.ordering.shed} (counter; {@code method}, {@code reason}): calls
 * shed with -32002;</li>
 * <li>{@code resilientrpc.ordering.fail.open} (counter; {@code method}): calls run
 * without the unavailable store;</li>
 * <li>{@code resilientrpc.ordering.store} (timer; {@code operation}, {@code outcome}):
 * latency of the store's begin and end operations.</li>
 * </ul>
 * Meters are cached per tag combination, so recording allocates nothing after the first
 * call.
 */
public final class MicrometerOrderingListener implements OrderingListener {

	private static final String PREFIX = ResilientRpcMeters.ORDERING;

	private final MeterRegistry registry;

	private final Map<StalePolicy, Map<String, Counter>> stale = new EnumMap<>(StalePolicy.class);

	private final Map<String, Counter> replays = new ConcurrentHashMap<>();

	private final Map<String, Counter> duplicates = new ConcurrentHashMap<>();

	private final Map<String, Counter> keyReused = new ConcurrentHashMap<>();

	private final Map<String, Timer> turnWait = new ConcurrentHashMap<>();

	private final Map<String, Map<String, Counter>> shed = new ConcurrentHashMap<>();

	private final Map<String, Counter> failOpen = new ConcurrentHashMap<>();

	private final Counter clockSkew;

	private final Timer[] store = new Timer[4];

	/**
	 * Create a listener.
	 * @param registry the registry to record into
	 */
	public MicrometerOrderingListener(MeterRegistry registry) {
		this.registry = registry;
		for (StalePolicy policy : StalePolicy.values()) {
			this.stale.put(policy, new ConcurrentHashMap<>());
		}
		this.clockSkew = Counter.builder(PREFIX + "clock.skew")
			.description("Timestamps refused as too far ahead of the local clock")
			.register(registry);
		String[] operations = { "begin", "end" };
		String[] outcomes = { "failure", "success" };
		for (int i = 0; i < 4; i++) {
			this.store[i] = Timer.builder(PREFIX + "store")
				.description("Latency of the ordering store")
				.tag("operation", operations[i / 2])
				.tag("outcome", outcomes[i % 2])
				.register(registry);
		}
	}

	@Override
	public void onStale(String method, StalePolicy policy) {
		meter(Objects.requireNonNull(this.stale.get(policy)), method,
				(key) -> Counter.builder(PREFIX + "stale")
					.description("Stale calls rejected or ignored")
					.tag("method", method)
					.tag("policy", policy.name().toLowerCase(Locale.ROOT))
					.register(this.registry))
			.increment();
	}

	@Override
	public void onReplay(String method) {
		meter(this.replays, method,
				(key) -> Counter.builder(PREFIX + "replays")
					.description("Stored outcomes replayed to retries instead of executing them")
					.tag("method", method)
					.register(this.registry))
			.increment();
	}

	@Override
	public void onDuplicateInFlight(String method) {
		meter(this.duplicates, method,
				(key) -> Counter.builder(PREFIX + "duplicates")
					.description("Attempts refused because the same call was still executing")
					.tag("method", method)
					.register(this.registry))
			.increment();
	}

	@Override
	public void onKeyReused(String method) {
		meter(this.keyReused, method,
				(key) -> Counter.builder(PREFIX + "key.reused")
					.description("Idempotency keys reused with another method or other params")
					.tag("method", method)
					.register(this.registry))
			.increment();
	}

	@Override
	public void onClockSkew() {
		this.clockSkew.increment();
	}

	@Override
	public void onTurn(String method, long waitedNanos) {
		meter(this.turnWait, method,
				(key) -> Timer.builder(PREFIX + "turn.wait")
					.description("Time ordered calls waited for their turn on their key")
					.tag("method", method)
					.register(this.registry))
			.record(waitedNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onShed(String method, String reason) {
		Map<String, Counter> byMethod = meter(this.shed, reason, (key) -> new ConcurrentHashMap<>());
		meter(byMethod, method,
				(key) -> Counter.builder(PREFIX + "shed")
					.description("Calls shed before execution")
					.tag("method", method)
					.tag("reason", reason)
					.register(this.registry))
			.increment();
	}

	@Override
	public void onFailOpen(String method) {
		meter(this.failOpen, method,
				(key) -> Counter.builder(PREFIX + "fail.open")
					.description("Calls run without ordering or deduplication because the store was unavailable")
					.tag("method", method)
					.register(this.registry))
			.increment();
	}

	@Override
	public void onStoreCall(String operation, long nanos, boolean success) {
		int index = ("end".equals(operation) ? 2 : 0) + (success ? 1 : 0);
		this.store[index].record(nanos, TimeUnit.NANOSECONDS);
	}

	private static <M> M meter(Map<String, M> meters, String key, Function<String, M> factory) {
		M meter = meters.get(key);
		return (meter != null) ? meter : meters.computeIfAbsent(key, factory);
	}

}
