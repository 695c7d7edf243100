package dev.resilientrpc.slot;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.checkpoint.CheckpointFencedException;
import dev.resilientrpc.checkpoint.CommandLogEntry;
import dev.resilientrpc.checkpoint.RedisCheckpointStore;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The slot lease protocol against a real redis-server: who may take a slot, when, and
 * what a holder that lost it can no longer do.
 */
class SlotLeasesTests {

	private static final String SLOT = "kv/0007";

	private static final Duration LEASE = Duration.ofMillis(600);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create()
		.withArgs("--appendonly", "yes", "--appendfsync", "always");

	private LettuceConnectionFactory connectionFactory;

	private SlotLeases leases;

	private final SlotLeases.Holder a = new SlotLeases.Holder("http://a:1", "http://a:1/rpc", "a-1");

	private final SlotLeases.Holder b = new SlotLeases.Holder("http://b:1", "http://b:1/rpc", "b-1");

	@BeforeEach
	void connect() {
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.serverCommands().flushAll();
		}
		this.leases = new SlotLeases(this.connectionFactory, "test");
	}

	@AfterEach
	void disconnect() {
		this.connectionFactory.destroy();
	}

	@Test
	void aFreeSlotIsTakenWithAFirstEpochAndThenHeld() {
		SlotLeases.Take take = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		assertThat(take.taken()).isTrue();
		assertThat(take.epoch()).isEqualTo(1);
		SlotOwner owner = owner();
		assertThat(owner.isHeld()).isTrue();
		assertThat(owner.node()).isEqualTo("http://a:1");
		assertThat(owner.uri()).isEqualTo("http://a:1/rpc");
		assertThat(owner.epoch()).isEqualTo(1);
	}

	@Test
	void aSlotHeldByAnotherLiveNodeIsNotTaken() {
		this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		SlotLeases.Take take = this.leases.take(SLOT, this.b, LEASE, Duration.ZERO);
		assertThat(take.taken()).isFalse();
		assertThat(take.previous()).isEqualTo("http://a:1");
		assertThat(take.retryInMillis()).isPositive().isLessThanOrEqualTo(LEASE.toMillis());
		assertThat(owner().node()).isEqualTo("http://a:1");
	}

	@Test
	void anExpiredLeaseIsTakenWithANewerEpochAndItsHolderCanNeitherRenewNorWrite() {
		SlotLeases.Take first = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		await().atMost(Duration.ofSeconds(5)).until(() -> !owner().isHeld());
		SlotLeases.Take second = this.leases.take(SLOT, this.b, LEASE, Duration.ZERO);
		assertThat(second.taken()).isTrue();
		assertThat(second.epoch()).isGreaterThan(first.epoch());
		assertThat(second.previous()).isEqualTo("http://a:1");
		// the old holder, back from a pause, cannot renew the lease it lost
		assertThat(this.leases.refresh(Map.of(SLOT, first.epoch()), this.a, LEASE)).singleElement()
			.satisfies((refresh) -> assertThat(refresh.held()).isFalse());
		// nor write the slot's log: the take raised the epoch the log checks
		RedisCheckpointStore store = new RedisCheckpointStore(this.connectionFactory, "test");
		assertThatExceptionOfType(CheckpointFencedException.class)
			.isThrownBy(() -> store.append(SLOT, first.epoch(), List.of(new CommandLogEntry(null, "k", 1, "m", "[]"))));
		store.append(SLOT, second.epoch(), List.of(new CommandLogEntry(null, "k", 1, "m", "[]")));
	}

	@Test
	void aRefreshByTheHolderExtendsItsLease() {
		SlotLeases.Take take = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		for (int i = 0; i < 5; i++) {
			SlotLeases.Refresh refresh = this.leases.refresh(Map.of(SLOT, take.epoch()), this.a, LEASE).get(0);
			assertThat(refresh.held()).isTrue();
			assertThat(refresh.expiresAt()).isGreaterThanOrEqualTo(take.expiresAt());
			sleep(LEASE.toMillis() / 2);
		}
		assertThat(this.leases.take(SLOT, this.b, LEASE, Duration.ZERO).taken()).isFalse();
	}

	@Test
	void aRestartedNodeTakesItsOwnSlotAtOnceAndFencesItsEarlierRun() {
		SlotLeases.Take first = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		SlotLeases.Holder restarted = new SlotLeases.Holder(this.a.node(), this.a.uri(), "a-2");
		SlotLeases.Take again = this.leases.take(SLOT, restarted, LEASE, Duration.ZERO);
		assertThat(again.taken()).isTrue();
		assertThat(again.epoch()).isGreaterThan(first.epoch());
		assertThat(this.leases.refresh(Map.of(SLOT, first.epoch()), this.a, LEASE).get(0).held()).isFalse();
	}

	@Test
	void aSlotReleasedToANodeIsItsAloneUntilTheGraceEnds() {
		SlotLeases.Take take = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		SlotLeases.Holder c = new SlotLeases.Holder("http://c:1", "http://c:1/rpc", "c-1");
		assertThat(this.leases.release(SLOT, this.a, take.epoch(), this.b.node(), LEASE)).isTrue();
		assertThat(owner().isHeld()).isFalse();
		assertThat(owner().releasedTo()).isEqualTo(this.b.node());
		assertThat(this.leases.take(SLOT, c, LEASE, Duration.ZERO).taken()).isFalse();
		assertThat(this.leases.take(SLOT, this.b, LEASE, Duration.ZERO).taken()).isTrue();
		assertThat(owner().node()).isEqualTo(this.b.node());
	}

	@Test
	void aSlotReleasedToAnyNodeIsTakenAtOnce() {
		SlotLeases.Take take = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		assertThat(this.leases.release(SLOT, this.a, take.epoch(), "", Duration.ZERO)).isTrue();
		assertThat(this.leases.take(SLOT, this.b, LEASE, Duration.ZERO).taken()).isTrue();
	}

	@Test
	void aHandoverIsAnnouncedByTheHolderAndReadiedByItsTarget() {
		SlotLeases.Take take = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		assertThat(this.leases.ready(SLOT, this.b.node())).as("not invited yet").isFalse();
		assertThat(this.leases.handOff(SLOT, this.b, take.epoch(), this.a.node())).as("not the holder").isFalse();
		assertThat(this.leases.handOff(SLOT, this.a, take.epoch(), this.b.node())).isTrue();
		assertThat(owner().handoffTo()).isEqualTo(this.b.node());
		assertThat(this.leases.ready(SLOT, this.b.node())).isTrue();
		SlotLeases.Refresh refresh = this.leases.refresh(Map.of(SLOT, take.epoch()), this.a, LEASE).get(0);
		assertThat(refresh.handoffTo()).isEqualTo(this.b.node());
		assertThat(refresh.readyBy()).isEqualTo(this.b.node());
		assertThat(this.leases.handOff(SLOT, this.a, take.epoch(), "")).isTrue();
		assertThat(owner().handoffTo()).isEmpty();
		assertThat(owner().readyBy()).isEmpty();
	}

	@Test
	void aHolderWritesBackARecordRedisLostButNotOneAnotherNodeTookSince() {
		SlotLeases.Take take = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.serverCommands().flushAll();
		}
		SlotLeases.Refresh refresh = this.leases.refresh(Map.of(SLOT, take.epoch()), this.a, LEASE).get(0);
		assertThat(refresh.held()).isTrue();
		assertThat(refresh.recreated()).isTrue();
		assertThat(owner().node()).isEqualTo(this.a.node());
		assertThat(owner().epoch()).isEqualTo(take.epoch());
		// once another node takes it, a record Redis lost is no longer the old holder's
		// to write
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.keyCommands().del("test:{kv/0007}:owner".getBytes());
			connection.stringCommands().set("test:{kv/0007}:epoch".getBytes(), "99".getBytes());
		}
		assertThat(this.leases.refresh(Map.of(SLOT, take.epoch()), this.a, LEASE).get(0).held()).isFalse();
	}

	@Test
	void afterARedisRestartAnotherNodesExpiredLeaseIsLeftToItForAGraceTime() {
		SlotLeases.Take take = this.leases.take(SLOT, this.a, LEASE, Duration.ZERO);
		assertThat(take.taken()).isTrue();
		redis.server().kill();
		sleep(LEASE.toMillis() + 200);
		redis.server().start();
		// while Redis was down the holder could not renew: it gets a lease time to come
		// back
		SlotLeases.Take during = awaitAnswer(() -> this.leases.take(SLOT, this.b, LEASE, Duration.ofSeconds(30)));
		assertThat(during.taken()).isFalse();
		assertThat(this.leases.refresh(Map.of(SLOT, take.epoch()), this.a, LEASE).get(0).held()).isTrue();
		// without the grace, an expired lease is taken
		await().atMost(Duration.ofSeconds(5)).until(() -> !owner().isHeld());
		assertThat(this.leases.take(SLOT, this.b, LEASE, Duration.ZERO).taken()).isTrue();
	}

	@Test
	void heartbeatsListTheLiveMembersAndKeepOneClusterId() {
		SlotLeases.Members first = this.leases.heartbeat("kv", this.a, LEASE, "id-1");
		assertThat(first.clusterId()).isEqualTo("id-1");
		SlotLeases.Members second = this.leases.heartbeat("kv", this.b, LEASE, "id-2");
		assertThat(second.clusterId()).isEqualTo("id-1");
		assertThat(second.members()).containsOnlyKeys(this.a.node(), this.b.node());
		assertThat(second.members().get(this.b.node()).uri()).isEqualTo(this.b.uri());
		assertThat(second.members().get(this.b.node()).expiresAt()).isGreaterThan(second.now());
		this.leases.leave("kv", this.a.node());
		assertThat(this.leases.heartbeat("kv", this.b, LEASE, "id-2").members()).containsOnlyKeys(this.b.node());
	}

	@Test
	void aRedisThatLostItsDataGetsANewClusterId() {
		assertThat(this.leases.heartbeat("kv", this.a, LEASE, "id-1").clusterId()).isEqualTo("id-1");
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.serverCommands().flushAll();
		}
		assertThat(this.leases.heartbeat("kv", this.a, LEASE, "id-2").clusterId()).isEqualTo("id-2");
	}

	private SlotOwner owner() {
		return this.leases.read(List.of(SLOT)).get(0);
	}

	private static <T> T awaitAnswer(java.util.concurrent.Callable<T> action) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try {
				return action.call();
			}
			catch (Exception ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Redis did not come back", ex);
				}
				sleep(100);
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
