package dev.resilientrpc.checkpoint;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.checkpoint.ledger.LedgerService;
import dev.resilientrpc.ordering.HybridLogicalClock;
import dev.resilientrpc.ordering.StalePolicies;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;

/**
 * A ledger node without Spring Boot: the service, its checkpointed state, a manager with
 * the command log interceptor and a transport-neutral JSON-RPC server, restored on
 * creation. A "crash" is simply abandoning a node without {@link #close()}.
 */
final class LedgerNode implements AutoCloseable {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	final CheckpointedMap<String, List<String>> state = LedgerService.newState();

	final LedgerService service = new LedgerService(this.state);

	final CheckpointManager manager;

	final JsonRpcServer server;

	LedgerNode(CheckpointStore store, Consumer<CheckpointManager.Builder> customizer) {
		CheckpointManager.Builder builder = CheckpointManager.builder(store)
			.checkpointables(List.of(this.state))
			.nodeId("node")
			.interval(Duration.ofHours(1))
			.logTimeout(Duration.ofSeconds(1))
			.restoreTimeout(Duration.ofSeconds(1))
			.retryBackoff(Duration.ofMillis(50));
		customizer.accept(builder);
		this.manager = builder.build();
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("ledgerService", this.service));
		MutatingCallInterceptor interceptor = new MutatingCallInterceptor(this.manager,
				new MutatingCalls(MAPPER, new HybridLogicalClock(Clock.systemUTC(), Duration.ofSeconds(1)),
						new StalePolicies(StalePolicy.REJECT, Map.of()), Duration.ZERO, Duration.ofSeconds(5),
						Duration.ofSeconds(1)));
		interceptor.bind(registry, Set.of());
		this.server = new JsonRpcServer(registry, MAPPER, List.of(interceptor), 64, 100);
		this.manager.restore((method, params) -> {
			Object result = this.server.invokeWithoutInterceptors(method, MAPPER.readTree(params));
			return MAPPER.writeValueAsBytes(result);
		});
	}

	LedgerNode(CheckpointStore store) {
		this(store, (builder) -> {
		});
	}

	/**
	 * Call a method.
	 * @param method the method, without the service name
	 * @param params the params as a JSON array
	 * @param idempotencyKey the key, or {@code null}
	 * @param timestamp the timestamp, or {@code null}
	 * @return the response
	 */
	JsonNode call(String method, String params, @Nullable String idempotencyKey, @Nullable Long timestamp) {
		Map<String, String> headers = new HashMap<>();
		if (idempotencyKey != null) {
			headers.put(RpcHeaders.IDEMPOTENCY_KEY, idempotencyKey);
		}
		if (timestamp != null) {
			headers.put(RpcHeaders.TIMESTAMP, Long.toString(timestamp));
		}
		byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ledger." + method + "\",\"params\":" + params + "}")
			.getBytes(StandardCharsets.UTF_8);
		JsonRpcServer.Response response = this.server.handle(body, body.length, headers::get);
		return MAPPER.readTree(response.body());
	}

	JsonNode append(String account, String entry, String idempotencyKey) {
		return call("append", MAPPER.writeValueAsString(List.of(account, entry)), idempotencyKey, null);
	}

	List<String> entries(String account) {
		return this.state.getOrDefault(account, List.of());
	}

	@Override
	public void close() {
		this.manager.stop();
	}

}
