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
		run(null, claim, StoredOutcome.result("1"));
		this.clock.advance(Duration.ofHours(24).minusMillis(1));
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.REPLAY);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void aRecordWithItsOwnTtlExpiresAfterItCountedFromTheCompletionAndAfterNoLongerTtl() {
		IdempotencyClaim claim = new IdempotencyClaim("idem", "fp", 65_000);
		Attempt attempt = begin(null, claim);
		this.clock.advance(Duration.ofSeconds(10));
		this.store.end(attempt.ticket(), true, StoredOutcome.result("1"));
		this.clock.advance(Duration.ofSeconds(65).minusMillis(1));
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.REPLAY);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.ADMITTED);
		IdempotencyClaim longer = new IdempotencyClaim("longer", "fp", Duration.ofDays(7).toMillis());
		run(null, longer, StoredOutcome.result("2"));
		this.clock.advance(Duration.ofHours(24));
		assertThat(decide(null, longer)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void inFlightRecordsExpireTooAndTheRetryOfAnOrderedCallIsThenStale() {
		IdempotencyClaim claim = new IdempotencyClaim("idem", "fp");
		begin(null, claim);
		begin(slot("k", 1), claim);
		this.clock.advance(Duration.ofHours(24));
		assertThat(decide(null, claim)).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(decide(slot("k", 1), claim)).isEqualTo(Admission.Decision.STALE);
		assertThat(decide(slot("k", 2), claim)).isEqualTo(Admission.Decision.BUSY);
	}

	@Test
	void highWaterMarkOfAnIdleKeyIsForgottenAfterItsTtlAndSweptLater() {
		run(slot("k", 100), null, null);
		this.clock.advance(Duration.ofHours(24));
		assertThat(this.store.findHighWaterMark("k")).isEmpty();
		assertThat(this.store.keyCount()).isOne();
		begin(slot("other", 1), null);
		assertThat(this.store.keyCount()).isOne();
		assertThat(decide(slot("k", 50), null)).isEqualTo(Admission.Decision.ADMITTED);
	}

	@Test
	void oldestCompletedRecordsAreEvictedBeyondTheLimitButInFlightOnesAreKept() {
		InMemoryOrderingStore small = new InMemoryOrderingStore(this.clock, Duration.ofHours(24), Duration.ofHours(24),
				10);
		IdempotencyClaim inFlight = new IdempotencyClaim("in-flight", "fp");
		small.begin(Ticket.of(null, inFlight));
		List<IdempotencyClaim> completed = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			IdempotencyClaim claim = new IdempotencyClaim("done-" + i, "fp");
			Ticket ticket = Ticket.of(null, claim);
			small.begin(ticket);
			small.end(ticket, true, StoredOutcome.result(Integer.toString(i)));
			completed.add(claim);
		}
		assertThat(small.recordCount()).isLessThanOrEqualTo(11);
		assertThat(small.begin(Ticket.of(null, inFlight)).getDecision()).isEqualTo(Admission.Decision.IN_FLIGHT);
		assertThat(small.begin(Ticket.of(null, completed.get(29))).getDecision()).isEqualTo(Admission.Decision.REPLAY);
		assertThat(small.begin(Ticket.of(null, completed.get(0))).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
	}

}
