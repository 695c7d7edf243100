package dev.resilientrpc.benchmarks.checkpoint;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.annotation.StalePolicy;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointStore;
import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.checkpoint.MutatingCallInterceptor;
import dev.resilientrpc.checkpoint.MutatingCalls;
import dev.resilientrpc.ordering.HybridLogicalClock;
import dev.resilientrpc.ordering.StalePolicies;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;

/**
 * A key-value node without Spring Boot: a state made of a blob (to make it large) and a
 * map, the mutating call interceptor and a transport-neutral JSON-RPC server.
 */
final class KvNode {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	final KvState state;

	final CheckpointManager manager;

	final JsonRpcServer server;

	KvNode(CheckpointStore store, byte[] blob, Consumer<CheckpointManager.Builder> customizer) {
		this.state = new KvState(blob);
		CheckpointManager.Builder builder = CheckpointManager.builder(store)
			.checkpointables(List.of(this.state))
			.keep(1);
		customizer.accept(builder);
		this.manager = builder.build();
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("kv", new KvService(this.state)));
		MutatingCallInterceptor interceptor = new MutatingCallInterceptor(this.manager,
				new MutatingCalls(MAPPER, new HybridLogicalClock(Clock.systemUTC(), Duration.ofSeconds(1)),
						new StalePolicies(StalePolicy.REJECT, Map.of()), Duration.ZERO, Duration.ofSeconds(5),
						Duration.ofSeconds(1)));
		interceptor.bind(registry, Set.of());
		this.server = new JsonRpcServer(registry, MAPPER, List.of(interceptor), 64, 100);
	}

	void restore() {
		this.manager.restore((method, params) -> {
			Object result = this.server.invokeWithoutInterceptors(method, MAPPER.readTree(params));
			return (result != null) ? MAPPER.writeValueAsBytes(result) : null;
		});
	}

	JsonRpcServer.Response call(String method, String params, String idempotencyKey) {
		byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"kv." + method + "\",\"params\":" + params + "}")
			.getBytes(StandardCharsets.UTF_8);
		Map<String, String> headers = new HashMap<>();
		headers.put(RpcHeaders.IDEMPOTENCY_KEY, idempotencyKey);
		return this.server.handle(body, body.length, headers::get);
	}

	/**
	 * The service.
	 */
	@RpcService("kv")
	static final class KvService implements KvApi {

		private final KvState state;

		KvService(KvState state) {
			this.state = state;
		}

		@Override
		public void put(String key, String value) {
			this.state.map.put(key, value);
		}

		@Override
		public @Nullable String get(String key) {
			return this.state.map.get(key);
		}

	}

	/**
	 * A blob and a map, checkpointed together as {@code kv}.
	 */
	static final class KvState implements Checkpointable {

		volatile byte[] blob;

		final Map<String, String> map = new ConcurrentHashMap<>();

		KvState(byte[] blob) {
			this.blob = blob;
		}

		@Override
		public String getCheckpointName() {
			return "kv";
		}

		@Override
		public Snapshot snapshot() {
			byte[] capturedBlob = this.blob;
			Map<String, String> capturedMap = new HashMap<>(this.map);
			return (out) -> {
				DataOutputStream data = new DataOutputStream(out);
				data.writeInt(capturedBlob.length);
				data.write(capturedBlob);
				data.writeInt(capturedMap.size());
				for (Map.Entry<String, String> entry : capturedMap.entrySet()) {
					data.writeUTF(entry.getKey());
					data.writeUTF(entry.getValue());
				}
				data.flush();
			};
		}

		@Override
		public void restore(InputStream in) throws IOException {
			DataInputStream data = new DataInputStream(in);
			byte[] restoredBlob = new byte[data.readInt()];
			data.readFully(restoredBlob);
			int size = data.readInt();
			this.map.clear();
			for (int i = 0; i < size; i++) {
				this.map.put(data.readUTF(), data.readUTF());
			}
			this.blob = restoredBlob;
		}

	}

}
