package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RedisOrderingStore} against a private {@code redis-server}.
 */
class RedisOrderingStoreTests extends OrderingStoreContractTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create();

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate template;

	private static RedisOrderingStore store;

	@BeforeAll
	static void connect() {
		connectionFactory = connectionFactory(redis.server().port());
		template = new StringRedisTemplate(connectionFactory);
		store = new RedisOrderingStore(template, "test:", Duration.ofHours(24), Duration.ofHours(12),
				Duration.ofSeconds(30));
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	static LettuceConnectionFactory connectionFactory(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Override
	OrderingStore store() {
		return store;
	}

	@Override
	String unique(String name) {
		return name + "-" + UUID.randomUUID();
	}

	@Test
	void keysOfAnOrderedCallShareOneClusterSlot() {
		for (String orderingKey : List.of("user-42", "a{b}c", "}x{", "{}", "%7B")) {
			String tag = RedisOrderingStore.encode(orderingKey);
			int slot = SlotHash.getSlot(store.watermarkKey(tag));
			assertThat(SlotHash.getSlot(store.lockKey(tag))).as(orderingKey).isEqualTo(slot);
			assertThat(SlotHash.getSlot(store.orderedRecordKey(tag, "idem{1}"))).as(orderingKey).isEqualTo(slot);
			assertThat(slot).as(orderingKey).isEqualTo(SlotHash.getSlot(tag));
		}
	}

	@Test
	void layoutIsAsDocumentedWithTimeToLiveOnEveryKey() {
		String key = unique("order");
		String idem = unique("idem");
		Ticket ticket = new Ticket(slot(key, 1234), new IdempotencyClaim(idem, "fp"), "t1");
		store.begin(ticket);
		String record = "test:{" + key + "}:idem:" + idem;
		assertThat(template.opsForValue().get("test:{" + key + "}:hw")).isEqualTo("0000000000000001234");
		assertThat(template.opsForValue().get("test:{" + key + "}:lock")).isEqualTo("0000000000000001234:t1:");
		assertThat(template.<String, String>opsForHash().entries(record)).containsOnly(Map.entry("fp", "fp"),
				Map.entry("own", "t1"));
		assertThat(template.getExpire("test:{" + key + "}:hw")).isBetween(Duration.ofHours(11).toSeconds(),
				Duration.ofHours(12).toSeconds());
		assertThat(template.getExpire("test:{" + key + "}:lock")).isBetween(20L, 30L);
		assertThat(template.getExpire(record)).isBetween(Duration.ofHours(23).toSeconds(),
				Duration.ofHours(24).toSeconds());
		store.end(ticket, true, StoredOutcome.result("[1,2]"));
		assertThat(template.hasKey("test:{" + key + "}:lock")).isFalse();
		assertThat(template.<String, String>opsForHash().entries(record)).containsOnly(Map.entry("fp", "fp"),
				Map.entry("out", "r[1,2]"));
		Ticket next = new Ticket(slot(key, 2000), null, "t2");
		store.begin(next);
		assertThat(template.opsForValue().get("test:{" + key + "}:lock"))
			.isEqualTo("0000000000000002000:t2:0000000000000001234");
		String unordered = unique("idem");
		store.begin(Ticket.of(null, new IdempotencyClaim(unordered, "fp")));
		assertThat(template.hasKey("test:{" + unordered + "}:idem")).isTrue();
	}

	@Test
	void storeThatCannotReachRedisThrowsAStoreException() {
		LettuceConnectionFactory unreachable = connectionFactory(TestPorts.closedPort());
		try {
			RedisOrderingStore down = new RedisOrderingStore(new StringRedisTemplate(unreachable), "test:",
					Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1));
			assertThatExceptionOfType(OrderingStoreException.class)
				.isThrownBy(() -> down.begin(Ticket.of(slot("k", 1), null)));
			assertThat(down.pendingEnds()).as("undoing of the begin whose reply was lost").isOne();
			assertThatExceptionOfType(OrderingStoreException.class)
				.isThrownBy(() -> down.end(Ticket.of(null, new IdempotencyClaim("i", "fp")), false, null));
			assertThat(down.pendingEnds()).isEqualTo(2);
		}
		finally {
			unreachable.destroy();
		}
	}

	@Test
	void beginWhoseReplyWasLostIsUndoneBeforeTheNextOperation() {
		String key = unique("order");
		IdempotencyClaim claim = new IdempotencyClaim(unique("idem"), "fp");
		run(slot(key, 50), null, null);
		Ticket lost = Ticket.of(slot(key, 100), claim);
		assertThat(store.begin(lost).getDecision()).isEqualTo(Admission.Decision.ADMITTED);
		store.undoLater(lost);
		assertThat(store.pendingEnds()).isOne();
		Attempt retry = begin(slot(key, 100), claim);
		assertThat(retry.decision()).isEqualTo(Admission.Decision.ADMITTED);
		assertThat(store.pendingEnds()).isZero();
		store.undoLater(retry.ticket());
		store.undoLater(Ticket.of(slot(key, 100), claim));
		store.end(retry.ticket(), true, StoredOutcome.result("1"));
		assertThat(decide(slot(key, 100), claim)).isEqualTo(Admission.Decision.REPLAY);
		assertThat(store.findHighWaterMark(key)).hasValue(100);
	}

	@Test
	void prefixWithBracesIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisOrderingStore(template, "a{b}:", Duration.ofHours(1), Duration.ofHours(1),
					Duration.ofSeconds(1)))
			.withMessageContaining("keyPrefix");
	}

	@Test
	void aClaimWithItsOwnTimeToLiveKeepsItsRecordThatLongAndNeverLongerThanTheStores() {
		String idem = unique("idem");
		Ticket ticket = Ticket.of(null, new IdempotencyClaim(idem, "fp", 90_000));
		store.begin(ticket);
		String record = "test:{" + idem + "}:idem";
		assertThat(template.getExpire(record)).isBetween(80L, 90L);
		store.end(ticket, true, StoredOutcome.result("1"));
		assertThat(template.getExpire(record)).isBetween(80L, 90L);
		String longer = unique("idem");
		store.begin(Ticket.of(null, new IdempotencyClaim(longer, "fp", Duration.ofDays(7).toMillis())));
		assertThat(template.getExpire("test:{" + longer + "}:idem")).isBetween(Duration.ofHours(23).toSeconds(),
				Duration.ofHours(24).toSeconds());
	}

}
