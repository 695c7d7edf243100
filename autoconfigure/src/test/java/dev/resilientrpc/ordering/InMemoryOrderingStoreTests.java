package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryOrderingStore}.
 */
class InMemoryOrderingStoreTests extends OrderingStoreContractTests {

	private static final long T0 = 1_700_000_000_000L;

	private final AtomicInteger keys = new AtomicInteger();

	private final MutableClock clock = new MutableClock(T0);

	private final InMemoryOrderingStore store = new InMemoryOrderingStore(this.clock, Duration.ofHours(24),
			Duration.ofHours(24), 1000);

	@Override
	OrderingStore store() {
		return this.store;
	}

	@Override
	String unique(String name) {
		return name + "-" + this.keys.incrementAndGet();
	}

	@Test
	void recordsExpireAfterTheirTtl() {
		IdempotencyClaim claim = new IdempotencyClaim("idem", "fp");
		this.store.begin(null, claim);
		this.store.end(null, claim, true, StoredOutcome.result("1"));
		this.clock.advance(Duration.ofHours(24).minusMillis(1));
		assertThat(this.store.begin(null, claim).getDecision()).isEqualTo(Admission.Decision.REPLAY);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.store.begin(null, claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void inFlightRecordsExpireTooAndTheRetryOfAnOrderedCallIsThenStale() {
		IdempotencyClaim claim = new IdempotencyClaim("idem", "fp");
		this.store.begin(null, claim);
		this.store.begin(new OrderingSlot("k", 1, StalePolicy.REJECT), claim);
		this.clock.advance(Duration.ofHours(24));
		assertThat(this.store.begin(null, claim).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(this.store.begin(new OrderingSlot("k", 1, StalePolicy.REJECT), claim).getDecision())
			.isEqualTo(Admission.Decision.STALE);
		assertThat(this.store.begin(new OrderingSlot("k", 2, StalePolicy.REJECT), claim).getDecision())
			.isEqualTo(Admission.Decision.BUSY);
	}

	@Test
	void highWaterMarkOfAnIdleKeyIsForgottenAfterItsTtlAndSweptLater() {
		OrderingSlot slot = new OrderingSlot("k", 100, StalePolicy.REJECT);
		this.store.begin(slot, null);
		this.store.end(slot, null, true, null);
		this.clock.advance(Duration.ofHours(24));
		assertThat(this.store.findHighWaterMark("k")).isEmpty();
		assertThat(this.store.keyCount()).isOne();
		this.store.begin(new OrderingSlot("other", 1, StalePolicy.REJECT), null);
		assertThat(this.store.keyCount()).isOne();
		assertThat(this.store.begin(new OrderingSlot("k", 50, StalePolicy.REJECT), null).getDecision())
			.isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void oldestCompletedRecordsAreEvictedBeyondTheLimitButInFlightOnesAreKept() {
		InMemoryOrderingStore small = new InMemoryOrderingStore(this.clock, Duration.ofHours(24), Duration.ofHours(24),
				10);
		IdempotencyClaim inFlight = new IdempotencyClaim("in-flight", "fp");
		small.begin(null, inFlight);
		List<IdempotencyClaim> completed = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			IdempotencyClaim claim = new IdempotencyClaim("done-" + i, "fp");
			small.begin(null, claim);
			small.end(null, claim, true, StoredOutcome.result(Integer.toString(i)));
			completed.add(claim);
		}
		assertThat(small.recordCount()).isLessThanOrEqualTo(11);
		assertThat(small.begin(null, inFlight).getDecision()).isEqualTo(Admission.Decision.IN_FLIGHT);
		assertThat(small.begin(null, completed.get(29)).getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(small.begin(null, completed.get(0)).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

}
