package dev.resilientrpc.ordering;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.autoconfigure.ordering.MicrometerOrderingListener;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClockServerInterceptor}, {@link IdempotencyServerInterceptor} and
 * {@link OrderingServerInterceptor}, run by a {@link JsonRpcServer} without HTTP.
 */
class OrderingInterceptorsTests {

	private static final long T0 = 1_700_000_000_000L;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final MutableClock physical = new MutableClock(T0);

	private final HybridLogicalClock clock = new HybridLogicalClock(this.physical, Duration.ofMillis(500));

	private final LedgerServer ledger = new LedgerServer(new ConcurrentHashMap<>());

	private OrderingStore store = new InMemoryOrderingStore(this.physical, Duration.ofHours(24), Duration.ofHours(1),
			10_000);

	private OrderingOptions options = OrderingOptions.defaults();

	private Map<String, StalePolicy> overrides = Map.of();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final OrderingListener listener = new MicrometerOrderingListener(this.meters);

	private @Nullable ServerInterceptor refuser;

	private @Nullable JsonRpcServer server;

	private JsonRpcServer server() {
		if (this.server == null) {
			List<ServerInterceptor> interceptors = new ArrayList<>(
					List.of(new ClockServerInterceptor(this.clock, this.listener),
							new IdempotencyServerInterceptor(this.store, mapper, this.options, this.listener, true),
							new OrderingServerInterceptor(this.clock, this.store, mapper,
									new StalePolicies(StalePolicy.REJECT, this.overrides), this.options, this.listener),
							new HeaderCapture()));
			if (this.refuser != null) {
				interceptors.add(this.refuser);
			}
			interceptors.sort(java.util.Comparator.comparingInt(ServerInterceptor::getOrder));
			this.server = new JsonRpcServer(RpcServiceRegistry.of(Map.of("ledger", this.ledger)), mapper, interceptors,
					64, 100);
		}
		return this.server;
	}

	private Answer call(String method, String params, Map<String, String> headers) {
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"ledger." + method + "\",\"params\":" + params + ",\"id\":7}";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		JsonRpcServer.Response response = server().handle(bytes, bytes.length, headers::get);
		return new Answer(response.status(), new String(response.body(), StandardCharsets.UTF_8),
				response.retryAfterMillis());
	}

	private static Map<String, String> headers(String... namesAndValues) {
		Map<String, String> headers = new HashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return headers;
	}

	private static String idem() {
		return UUID.randomUUID().toString();
	}

	private static String ts(long offsetMillis, int logical) {
		return Long.toString(HybridLogicalClock.timestamp(T0 + offsetMillis, logical));
	}

	@Test
	void callsWithoutKeysRunEveryTime() {
		assertThat(call("append", "[\"a\",\"1\"]", Map.of()).result()).hasToString("[\"1\"]");
		assertThat(call("append", "[\"a\",\"1\"]", Map.of()).result()).hasToString("[\"1\",\"1\"]");
		assertThat(this.ledger.executions).hasSize(2);
	}

	@Test
	void retryOfAnUnorderedCallReplaysTheFirstAnswerByteForByte() {
		Map<String, String> headers = headers(RpcHeaders.IDEMPOTENCY_KEY, idem());
		Answer first = call("describe", "[{\"b\":2,\"a\":1}]", headers);
		Answer retry = call("describe", "[{\"b\":2,\"a\":1}]", headers);
		assertThat(first.body()).contains("\"ratio\":0.30000000000000004");
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.ledger.executions).hasSize(1);
	}

	@Test
	void namedAndPositionalParamsOfOneCallShareItsRecord() {
		Map<String, String> headers = headers(RpcHeaders.IDEMPOTENCY_KEY, idem());
		Answer first = call("describe", "[{\"a\":1,\"b\":2}]", headers);
		Answer retry = call("describe", "{\"things\":{\"b\":2,\"a\":1}}", headers);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.ledger.executions).hasSize(1);
	}

	@Test
	void retryOfAnOrderedCallReplaysItsResultEvenAfterLaterCallsOfTheKey() {
		Map<String, String> first = headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY, "acct",
				RpcHeaders.TIMESTAMP, ts(0, 1));
		Answer answer = call("append", "[\"acct\",\"x\"]", first);
		call("append", "[\"acct\",\"y\"]", headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY, "acct",
				RpcHeaders.TIMESTAMP, ts(0, 2)));
		Answer retry = call("append", "[\"acct\",\"x\"]", first);
		assertThat(retry.body()).isEqualTo(answer.body());
		assertThat(retry.result()).hasToString("[\"x\"]");
		assertThat(this.ledger.executions).extracting(LedgerServer.Execution::argument).containsExactly("x", "y");
	}

	@Test
	void applicationErrorIsRecordedAndReplayed() {
		Map<String, String> headers = headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY, "acct",
				RpcHeaders.TIMESTAMP, ts(0, 1));
		Answer first = call("fail", "[\"acct\",\"boom\"]", headers);
		assertThat(first.errorCode()).isEqualTo(RpcErrorCodes.APPLICATION_ERROR);
		assertThat(first.json().at("/error/data/message").asString()).isEqualTo("boom");
		Answer retry = call("fail", "[\"acct\",\"boom\"]", headers);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.ledger.executions).hasSize(1);
	}

	@Test
	void rpcErrorThrownAfterInvocationIsRecordedWithItsRetryDelay() {
		this.refuser = new Refuser(InterceptorOrderInner.AFTER,
				new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", Map.of("reason", "late"), 2000L));
		Map<String, String> headers = headers(RpcHeaders.IDEMPOTENCY_KEY, idem());
		Answer first = call("describe", "[{}]", headers);
		assertThat(first.status()).isEqualTo(503);
		assertThat(first.retryAfterMillis()).isEqualTo(2000L);
		Answer retry = call("describe", "[{}]", headers);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.retryAfterMillis()).isEqualTo(2000L);
		assertThat(this.ledger.executions).hasSize(1);
	}

	@Test
	void callRefusedBeforeItsMethodRanLeavesNoRecordSoItsRetryRuns() {
		Refuser refuser = new Refuser(InterceptorOrderInner.BEFORE,
				new RpcErrorException(RpcErrorCodes.OVERLOADED, "Overloaded", Map.of("reason", "busy"), 1000L));
		this.refuser = refuser;
		Map<String, String> ordered = headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY, "acct",
				RpcHeaders.TIMESTAMP, ts(0, 1));
		Map<String, String> unordered = headers(RpcHeaders.IDEMPOTENCY_KEY, idem());
		assertThat(call("append", "[\"acct\",\"x\"]", ordered).errorCode()).isEqualTo(RpcErrorCodes.OVERLOADED);
		assertThat(call("describe", "[{}]", unordered).errorCode()).isEqualTo(RpcErrorCodes.OVERLOADED);
		refuser.enabled.set(false);
		assertThat(call("append", "[\"acct\",\"x\"]", ordered).result()).hasToString("[\"x\"]");
		assertThat(call("describe", "[{}]", unordered).error()).isNull();
		assertThat(this.ledger.executions).hasSize(2);
	}

	@Test
	void keyReusedWithOtherParamsOrAnotherMethodIsRefused() {
		String key = idem();
		call("describe", "[{\"a\":1}]", headers(RpcHeaders.IDEMPOTENCY_KEY, key));
		Answer otherParams = call("describe", "[{\"a\":2}]", headers(RpcHeaders.IDEMPOTENCY_KEY, key));
		assertThat(otherParams.errorCode()).isEqualTo(RpcErrorCodes.IDEMPOTENCY_KEY_REUSED);
		assertThat(otherParams.json().at("/error/data/idempotencyKey").asString()).isEqualTo(key);
		String orderedKey = idem();
		call("append", "[\"acct\",\"x\"]", headers(RpcHeaders.IDEMPOTENCY_KEY, orderedKey, RpcHeaders.ORDERING_KEY,
				"acct", RpcHeaders.TIMESTAMP, ts(0, 1)));
		Answer otherMethod = call("label", "[\"acct\",\"x\"]", headers(RpcHeaders.IDEMPOTENCY_KEY, orderedKey,
				RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 1)));
		assertThat(otherMethod.errorCode()).isEqualTo(RpcErrorCodes.IDEMPOTENCY_KEY_REUSED);
		assertThat(this.ledger.executions).hasSize(2);
	}

	@Test
	void duplicateArrivingWhileTheFirstRunsIsRefusedAsRetryable() throws Exception {
		for (boolean ordered : new boolean[] { false, true }) {
			String gate = "gate-" + ordered;
			Map<String, String> headers = ordered ? headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY,
					"acct-" + gate, RpcHeaders.TIMESTAMP, ts(0, 1)) : headers(RpcHeaders.IDEMPOTENCY_KEY, idem());
			String params = "[\"acct-" + gate + "\",\"" + gate + "\"]";
			CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> call("block", params, headers));
			this.ledger.awaitBlocked(gate);
			Answer duplicate = call("block", params, headers);
			assertThat(duplicate.errorCode()).as("ordered: %s", ordered).isEqualTo(RpcErrorCodes.DUPLICATE_IN_FLIGHT);
			assertThat(RpcErrorCodes.isRetryable(duplicate.errorCode())).isTrue();
			this.ledger.open(gate);
			assertThat(first.get(10, TimeUnit.SECONDS).result().asString()).isEqualTo(gate);
			assertThat(call("block", params, headers).result().asString()).isEqualTo(gate);
		}
		assertThat(this.ledger.executions).hasSize(2);
	}

	@Test
	void duplicateSeenOnlyByTheStoreIsRefusedAsRetryable() {
		OrderingStore inFlightElsewhere = new ForwardingStore(this.store) {
			@Override
			public Admission begin(Ticket ticket) {
				IdempotencyClaim claim = ticket.claim();
				return (claim != null && claim.key().equals("elsewhere")) ? Admission.inFlight() : super.begin(ticket);
			}
		};
		this.store = inFlightElsewhere;
		Answer answer = call("describe", "[{}]", headers(RpcHeaders.IDEMPOTENCY_KEY, "elsewhere"));
		assertThat(answer.errorCode()).isEqualTo(RpcErrorCodes.DUPLICATE_IN_FLIGHT);
		assertThat(this.ledger.executions).isEmpty();
	}

	@Test
	void staleCallIsRejectedWithTheHighWaterMark() {
		call("append", "[\"acct\",\"new\"]", headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 5)));
		Answer stale = call("append", "[\"acct\",\"old\"]", headers(RpcHeaders.IDEMPOTENCY_KEY, idem(),
				RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 4)));
		assertThat(stale.errorCode()).isEqualTo(RpcErrorCodes.STALE);
		assertThat(stale.json().at("/error/data/highWaterMark").asLong()).isEqualTo(Long.parseLong(ts(0, 5)));
		assertThat(stale.json().at("/error/data/orderingKey").asString()).isEqualTo("acct");
		Answer equal = call("append", "[\"acct\",\"same\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 5)));
		assertThat(equal.errorCode()).isEqualTo(RpcErrorCodes.STALE);
		assertThat(this.ledger.executions).extracting(LedgerServer.Execution::argument).containsExactly("new");
	}

	@Test
	void staleCallOfAnIgnoringMethodIsAcknowledgedWithoutRunning() {
		call("label", "[\"acct\",\"new\"]", headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 5)));
		Map<String, String> late = headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY, "acct",
				RpcHeaders.TIMESTAMP, ts(0, 4));
		Answer ignored = call("label", "[\"acct\",\"old\"]", late);
		assertThat(ignored.error()).isNull();
		assertThat(ignored.result().isNull()).isTrue();
		assertThat(call("label", "[\"acct\",\"old\"]", late).body()).isEqualTo(ignored.body());
		Answer rejected = call("append", "[\"acct\",\"old\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 4)));
		assertThat(rejected.errorCode()).isEqualTo(RpcErrorCodes.STALE);
		assertThat(this.ledger.executions).extracting(LedgerServer.Execution::argument).containsExactly("new");
	}

	@Test
	void configuredPolicyOverridesTheAnnotation() {
		this.overrides = Map.of("ledger.label", StalePolicy.REJECT, "ledger", StalePolicy.IGNORE);
		call("label", "[\"acct\",\"new\"]", headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 5)));
		assertThat(call("label", "[\"acct\",\"old\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 4)))
			.errorCode()).isEqualTo(RpcErrorCodes.STALE);
		assertThat(call("append", "[\"acct\",\"old\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 4)))
			.error()).isNull();
	}

	@Test
	void callWithoutTimestampIsOrderedByArrival() {
		Answer first = call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.ORDERING_KEY, "acct"));
		Answer second = call("append", "[\"acct\",\"b\"]", headers(RpcHeaders.ORDERING_KEY, "acct"));
		assertThat(second.result()).hasToString("[\"a\",\"b\"]");
		assertThat(first.error()).isNull();
		Answer earlier = call("append", "[\"acct\",\"c\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(-1, 0)));
		assertThat(earlier.errorCode()).isEqualTo(RpcErrorCodes.STALE);
	}

	@Test
	void receivedTimestampAdvancesTheClock() {
		call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.TIMESTAMP, ts(400, 9)));
		assertThat(this.clock.now()).isEqualTo(Long.parseLong(ts(400, 11)));
	}

	@Test
	void timestampTooFarAheadIsRefused() {
		Answer answer = call("append", "[\"acct\",\"a\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(501, 0)));
		assertThat(answer.errorCode()).isEqualTo(RpcErrorCodes.CLOCK_SKEW);
		assertThat(answer.json().at("/error/data/aheadMillis").asLong()).isEqualTo(501);
		assertThat(answer.json().at("/error/data/maxClockSkewMillis").asLong()).isEqualTo(500);
		assertThat(this.ledger.executions).isEmpty();
		assertThat(this.clock.last()).isZero();
	}

	@Test
	void garbageTimestampIsAnInvalidRequestThatSaysWhy() {
		for (String garbage : List.of("", "-5", "12abc", "1e9", "99999999999999999999", "x".repeat(500))) {
			Answer answer = call("append", "[\"acct\",\"a\"]",
					headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, garbage));
			assertThat(answer.errorCode()).as(garbage).isEqualTo(RpcErrorCodes.INVALID_REQUEST);
			assertThat(answer.json().at("/error/data/reason").asString()).as(garbage)
				.startsWith("header 'Rpc-Timestamp' ");
			assertThat(answer.json().at("/error/data/value").asString().length()).isLessThanOrEqualTo(67);
		}
		assertThat(this.ledger.executions).isEmpty();
	}

	@Test
	void timestampOlderThanTheStoreRemembersIsStale() {
		Answer answer = call("append", "[\"acct\",\"a\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(-Duration.ofHours(1).toMillis(), 0)));
		assertThat(answer.errorCode()).isEqualTo(RpcErrorCodes.STALE);
		assertThat(answer.json().at("/error/data/reason").asString()).contains("horizon");
		assertThat(this.ledger.executions).isEmpty();
	}

	@Test
	void oversizedOrBlankKeysAreInvalidRequests() {
		String longest = "k".repeat(255);
		assertThat(call("append", "[\"acct\",\"a\"]",
				headers(RpcHeaders.ORDERING_KEY, longest, RpcHeaders.IDEMPOTENCY_KEY, longest))
			.error()).isNull();
		Answer tooLong = call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.IDEMPOTENCY_KEY, "k".repeat(256)));
		assertThat(tooLong.errorCode()).isEqualTo(RpcErrorCodes.INVALID_REQUEST);
		assertThat(tooLong.json().at("/error/data/reason").asString())
			.isEqualTo("header 'Idempotency-Key' is 256 characters long (expected: at most 255)");
		assertThat(call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.ORDERING_KEY, "k".repeat(256))).errorCode())
			.isEqualTo(RpcErrorCodes.INVALID_REQUEST);
		assertThat(call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.ORDERING_KEY, " ")).errorCode())
			.isEqualTo(RpcErrorCodes.INVALID_REQUEST);
		assertThat(call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.IDEMPOTENCY_KEY, "")).errorCode())
			.isEqualTo(RpcErrorCodes.INVALID_REQUEST);
		assertThat(this.ledger.executions).hasSize(1);
	}

	@Test
	void unavailableStoreShedsOrderedAndDeduplicatedCallsButNotOthers() {
		this.store = new FailingStore(this.store.getWatermarkTtl(), true, false);
		Answer ordered = call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.ORDERING_KEY, "acct"));
		assertThat(ordered.status()).isEqualTo(503);
		assertThat(ordered.errorCode()).isEqualTo(RpcErrorCodes.OVERLOADED);
		assertThat(ordered.retryAfterMillis()).isEqualTo(1000L);
		assertThat(ordered.json().at("/error/data/reason").asString()).isEqualTo("store-unavailable");
		assertThat(call("describe", "[{}]", headers(RpcHeaders.IDEMPOTENCY_KEY, idem())).status()).isEqualTo(503);
		assertThat(call("describe", "[{}]", Map.of()).error()).isNull();
		assertThat(call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.TIMESTAMP, ts(0, 1))).error()).isNull();
		assertThat(this.ledger.executions).hasSize(2);
	}

	@Test
	void unavailableStoreIsBypassedWhenFailingOpen() {
		this.store = new FailingStore(this.store.getWatermarkTtl(), true, false);
		this.options = OrderingOptions.defaults().withFailOpen(true);
		assertThat(call("append", "[\"acct\",\"a\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.IDEMPOTENCY_KEY, idem()))
			.error()).isNull();
		assertThat(call("describe", "[{}]", headers(RpcHeaders.IDEMPOTENCY_KEY, idem())).error()).isNull();
		assertThat(this.ledger.executions).hasSize(2);
	}

	@Test
	void storeFailingAfterExecutionStillAnswersWithTheResult() {
		this.store = new FailingStore(this.store, false, true);
		Answer answer = call("append", "[\"acct\",\"a\"]",
				headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.IDEMPOTENCY_KEY, idem()));
		assertThat(answer.result()).hasToString("[\"a\"]");
	}

	@Test
	void keyLockedByAnotherInstanceShedsTheCall() {
		OrderingStore busy = new ForwardingStore(this.store) {
			@Override
			public Admission begin(Ticket ticket) {
				return Admission.busy(42);
			}
		};
		this.store = busy;
		Answer answer = call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.ORDERING_KEY, "acct"));
		assertThat(answer.status()).isEqualTo(503);
		assertThat(answer.json().at("/error/data/reason").asString()).isEqualTo("key-busy");
	}

	@Test
	void notificationWithAnIdempotencyKeyRunsOnce() {
		byte[] body = "{\"jsonrpc\":\"2.0\",\"method\":\"ledger.append\",\"params\":[\"acct\",\"n\"]}"
			.getBytes(StandardCharsets.UTF_8);
		Map<String, String> headers = headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY, "acct");
		assertThat(server().handle(body, body.length, headers::get).status()).isEqualTo(204);
		assertThat(server().handle(body, body.length, headers::get).status()).isEqualTo(204);
		assertThat(this.ledger.executions).hasSize(1);
	}

	@Test
	void decisionsAreCountedInMetrics() {
		Map<String, String> headers = headers(RpcHeaders.IDEMPOTENCY_KEY, idem(), RpcHeaders.ORDERING_KEY, "acct",
				RpcHeaders.TIMESTAMP, ts(0, 5));
		call("append", "[\"acct\",\"x\"]", headers);
		call("append", "[\"acct\",\"x\"]", headers);
		call("append", "[\"acct\",\"y\"]", headers);
		call("append", "[\"acct\",\"old\"]", headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 4)));
		call("label", "[\"acct\",\"old\"]", headers(RpcHeaders.ORDERING_KEY, "acct", RpcHeaders.TIMESTAMP, ts(0, 4)));
		call("append", "[\"acct\",\"x\"]", headers(RpcHeaders.TIMESTAMP, ts(10_000, 0)));
		assertThat(this.meters.get("resilientrpc.ordering.replays").tag("method", "ledger.append").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("resilientrpc.ordering.key.reused").counter().count()).isEqualTo(1);
		assertThat(this.meters.get("resilientrpc.ordering.stale").tag("policy", "reject").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("resilientrpc.ordering.stale").tag("policy", "ignore").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("resilientrpc.ordering.clock.skew").counter().count()).isEqualTo(1);
		assertThat(this.meters.get("resilientrpc.ordering.turn.wait").tag("method", "ledger.append").timer().count())
			.isEqualTo(4);
		assertThat(this.meters.get("resilientrpc.ordering.turn.wait").tag("method", "ledger.label").timer().count())
			.isEqualTo(1);
		assertThat(this.meters.get("resilientrpc.ordering.store")
			.tags("operation", "begin", "outcome", "success")
			.timer()
			.count()).isEqualTo(5);
		assertThat(this.meters.get("resilientrpc.ordering.store")
			.tags("operation", "end", "outcome", "success")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void shedAndFailOpenCallsAreCountedInMetrics() {
		this.store = new FailingStore(this.store.getWatermarkTtl(), true, false);
		call("append", "[\"acct\",\"a\"]", headers(RpcHeaders.ORDERING_KEY, "acct"));
		assertThat(this.meters.get("resilientrpc.ordering.shed").tag("reason", "store-unavailable").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("resilientrpc.ordering.store").tag("outcome", "failure").timer().count())
			.isEqualTo(1);
	}

	private enum InterceptorOrderInner {

		BEFORE, AFTER

	}

	/**
	 * Throws an error before or after the method runs.
	 */
	private static final class Refuser implements ServerInterceptor {

		private final InterceptorOrderInner when;

		private final RpcErrorException error;

		final AtomicBoolean enabled = new AtomicBoolean(true);

		Refuser(InterceptorOrderInner when, RpcErrorException error) {
			this.when = when;
			this.error = error;
		}

		@Override
		public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
			if (this.enabled.get() && this.when == InterceptorOrderInner.BEFORE) {
				throw this.error;
			}
			Object result = chain.proceed(call);
			if (this.enabled.get()) {
				throw this.error;
			}
			return result;
		}

		@Override
		public int getOrder() {
			return 450;
		}

	}

	/**
	 * A store that delegates.
	 */
	static class ForwardingStore implements OrderingStore {

		private final OrderingStore delegate;

		ForwardingStore(OrderingStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public Admission begin(Ticket ticket) {
			return this.delegate.begin(ticket);
		}

		@Override
		public void end(Ticket ticket, boolean executed, @Nullable StoredOutcome outcome) {
			this.delegate.end(ticket, executed, outcome);
		}

		@Override
		public OptionalLong findHighWaterMark(String orderingKey) {
			return this.delegate.findHighWaterMark(orderingKey);
		}

		@Override
		public Duration getWatermarkTtl() {
			return this.delegate.getWatermarkTtl();
		}

	}

	/**
	 * A store that fails on begin, on end, or both.
	 */
	static final class FailingStore extends ForwardingStore {

		private final boolean failBegin;

		private final boolean failEnd;

		FailingStore(Duration watermarkTtl, boolean failBegin, boolean failEnd) {
			this(new InMemoryOrderingStore(java.time.Clock.systemUTC(), Duration.ofHours(1), watermarkTtl, 10),
					failBegin, failEnd);
		}

		FailingStore(OrderingStore delegate, boolean failBegin, boolean failEnd) {
			super(delegate);
			this.failBegin = failBegin;
			this.failEnd = failEnd;
		}

		@Override
		public Admission begin(Ticket ticket) {
			if (this.failBegin) {
				throw new OrderingStoreException("down", new IllegalStateException("down"));
			}
			return super.begin(ticket);
		}

		@Override
		public void end(Ticket ticket, boolean executed, @Nullable StoredOutcome outcome) {
			if (this.failEnd) {
				throw new OrderingStoreException("down", new IllegalStateException("down"));
			}
			super.end(ticket, executed, outcome);
		}

	}

	/**
	 * An answer of the server.
	 *
	 * @param status the HTTP status
	 * @param body the body
	 * @param retryAfterMillis the retry delay
	 */
	record Answer(int status, String body, @Nullable Long retryAfterMillis) {

		JsonNode json() {
			return mapper.readTree(this.body);
		}

		@Nullable JsonNode error() {
			return json().get("error");
		}

		int errorCode() {
			return json().path("error").path("code").asInt();
		}

		JsonNode result() {
			JsonNode result = json().get("result");
			assertThat(result).as("result of %s", this.body).isNotNull();
			return result;
		}

	}

}
