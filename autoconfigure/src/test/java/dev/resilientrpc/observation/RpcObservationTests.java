package dev.resilientrpc.observation;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcClientProxyFactory;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The observations of server and client calls: their names, keys and error codes, as
 * Boot's metrics and tracing see them.
 */
class RpcObservationTests {

	static final JsonMapper mapper = JsonMapper.builder().build();

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	@Test
	void aServerCallIsObservedAsRpcServerCallDurationWithItsMethod() {
		String answer = call(server(List.of()), "kv.get", "[\"a\"]", Map.of("Host", "node-1:8081"));

		assertThat(answer).contains("\"result\":\"value of a\"");
		assertThat(this.registry).hasSingleObservationThat()
			.hasNameEqualTo("rpc.server.call.duration")
			.hasContextualNameEqualTo("kv.get")
			.hasLowCardinalityKeyValue("rpc.system.name", "jsonrpc")
			.hasLowCardinalityKeyValue("rpc.method", "kv.get")
			.hasLowCardinalityKeyValue("rpc.response.status_code", "OK")
			.hasLowCardinalityKeyValue("error.type", "none")
			.hasHighCardinalityKeyValue("server.address", "node-1")
			.hasHighCardinalityKeyValue("server.port", "8081")
			.doesNotHaveError()
			.hasBeenStarted()
			.hasBeenStopped();
	}

	@Test
	void aServerCallWhoseMethodThrowsRecordsTheApplicationErrorCode() {
		call(server(List.of()), "kv.put", "[\"bad\",\"x\"]", Map.of());

		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("rpc.method", "kv.put")
			.hasLowCardinalityKeyValue("rpc.response.status_code", "-32000")
			.hasLowCardinalityKeyValue("error.type", "-32000")
			.assertThatError()
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aServerCallRefusedByAnInterceptorRecordsTheRefusalsCode() {
		ServerInterceptor stale = new ServerInterceptor() {

			@Override
			public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) {
				throw new RpcErrorException(RpcErrorCodes.STALE, "Stale", Map.of());
			}

			@Override
			public int getOrder() {
				return 100;
			}

		};
		String answer = call(server(List.of(stale)), "kv.get", "[\"a\"]", Map.of());

		assertThat(answer).contains("-32001");
		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("rpc.response.status_code", "-32001")
			.hasLowCardinalityKeyValue("error.type", "-32001");
	}

	@Test
	void aCallToAMethodTheServerDoesNotExportIsObservedAsOtherSoThatTagsStayBounded() {
		call(server(List.of()), "kv.whatever-a-client-sends", "[]", Map.of());

		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("rpc.method", "_OTHER")
			.hasLowCardinalityKeyValue("rpc.response.status_code", "-32601");
	}

	@Test
	void paramsThatDoNotBindRecordInvalidParams() {
		call(server(List.of()), "kv.get", "[1,2,3]", Map.of());

		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("rpc.response.status_code", "-32602");
	}

	@Test
	void eachRequestOfABatchIsOneObservation() {
		byte[] body = "[{\"jsonrpc\":\"2.0\",\"method\":\"kv.get\",\"params\":[\"a\"],\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"kv.get\",\"params\":[\"b\"],\"id\":2}]"
			.getBytes(StandardCharsets.UTF_8);
		server(List.of()).handle(body, body.length, (name) -> null);

		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("rpc.server.call.duration", 2);
	}

	@Test
	void aUserConventionReplacesTheDefaultOneOnTheServer() {
		JsonRpcServer server = server(List.of());
		server.setObservationConvention(new DefaultRpcServerObservationConvention() {
			@Override
			public KeyValues getLowCardinalityKeyValues(RpcServerObservationContext context) {
				return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
			}
		});
		call(server, "kv.get", "[\"a\"]", Map.of());

		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("tenant", "acme")
			.hasLowCardinalityKeyValue("rpc.method", "kv.get");
	}

	@Test
	void aLogicalClientCallIsOneObservationWhateverItsAttempts() {
		RpcTransport flaky = (call) -> {
			if (call.getAttempt() == 1) {
				throw new RpcConnectException(call.getTarget().endpoint(), new java.net.ConnectException());
			}
			return "value";
		};
		Kv kv = client(flaky, retryOnce());

		assertThat(kv.get("a")).isEqualTo("value");
		assertThat(this.registry).hasSingleObservationThat()
			.hasNameEqualTo("rpc.client.call.duration")
			.hasContextualNameEqualTo("kv.get")
			.hasLowCardinalityKeyValue("rpc.system.name", "jsonrpc")
			.hasLowCardinalityKeyValue("rpc.method", "kv.get")
			.hasLowCardinalityKeyValue("rpc.response.status_code", "OK")
			.hasLowCardinalityKeyValue("error.type", "none")
			.hasHighCardinalityKeyValue("server.address", "node-2")
			.hasHighCardinalityKeyValue("server.port", "8082")
			.doesNotHaveError()
			.hasBeenStopped()
			.satisfies((context) -> assertThat(((RpcClientObservationContext) context).getAttempts()).isEqualTo(2));
	}

	@Test
	void aClientCallAnsweredWithAJsonRpcErrorRecordsItsCode() {
		RpcTransport stale = (call) -> {
			throw new RpcRemoteException("kv.get", RpcErrorCodes.STALE, "Stale", null, null);
		};
		Kv kv = client(stale, target("http://node-1:8081/rpc"));

		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> kv.get("a"));
		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("rpc.response.status_code", "-32001")
			.hasLowCardinalityKeyValue("error.type", "-32001")
			.assertThatError()
			.isInstanceOf(RpcRemoteException.class);
	}

	@Test
	void aClientCallThatGotNoAnswerHasNoStatusCodeAndTheExceptionAsErrorType() {
		RpcTransport refused = (call) -> {
			throw new RpcConnectException(call.getTarget().endpoint(), new java.net.ConnectException());
		};
		Kv kv = client(refused, target("http://node-1:8081/rpc"));

		assertThatExceptionOfType(RpcConnectException.class).isThrownBy(() -> kv.get("a"));
		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("rpc.response.status_code", "NONE")
			.hasLowCardinalityKeyValue("error.type", RpcConnectException.class.getName());
	}

	@Test
	void withMicrometersMeterHandlerAsBootRegistersItEachCallIsATimerTaggedWithItsMethod() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		JsonRpcServer server = new JsonRpcServer(RpcServiceRegistry.of(Map.of("kv", new KvServer())), mapper, List.of(),
				64, 100);
		server.setObservationRegistry(observations);
		RpcClient client = new RpcClient(List.of(target("http://node-1:8081/rpc")), (call) -> "value");
		client.setObservationRegistry(observations);

		call(server, "kv.get", "[\"a\"]", Map.of());
		call(server, "kv.put", "[\"bad\",\"x\"]", Map.of());
		new RpcClientProxyFactory(client, mapper).create(Kv.class).get("a");

		assertThat(meters.get("rpc.server.call.duration")
			.tags("rpc.system.name", "jsonrpc", "rpc.method", "kv.get", "rpc.response.status_code", "OK", "error.type",
					"none")
			.timer()
			.count()).isOne();
		assertThat(meters.get("rpc.server.call.duration")
			.tags("rpc.method", "kv.put", "rpc.response.status_code", "-32000")
			.timer()
			.count()).isOne();
		assertThat(meters.get("rpc.client.call.duration").tags("rpc.method", "kv.get").timer().count()).isOne();
		// a span attribute, never a tag: one timer per method, not per node
		assertThat(meters.get("rpc.client.call.duration").timer().getId().getTag("server.address")).isNull();
	}

	@Test
	void withoutARegistryNothingIsObservedAndCallsStillRun() {
		RpcClient client = new RpcClient(List.of(target("http://node-1:8081/rpc")), (call) -> "value");
		Kv kv = new RpcClientProxyFactory(client, mapper).create(Kv.class);

		assertThat(kv.get("a")).isEqualTo("value");
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	private JsonRpcServer server(List<ServerInterceptor> interceptors) {
		JsonRpcServer server = new JsonRpcServer(RpcServiceRegistry.of(Map.of("kv", new KvServer())), mapper,
				interceptors, 64, 100);
		server.setObservationRegistry(this.registry);
		return server;
	}

	private static String call(JsonRpcServer server, String method, String params, Map<String, String> headers) {
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":7}";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		Map<String, String> byName = new HashMap<>(headers);
		byte[] answer = server.handle(bytes, bytes.length, byName::get).body();
		return (answer != null) ? new String(answer, StandardCharsets.UTF_8) : "";
	}

	private Kv client(RpcTransport transport, ClientInterceptor... interceptors) {
		RpcClient client = new RpcClient(List.of(interceptors), transport);
		client.setObservationRegistry(this.registry);
		return new RpcClientProxyFactory(client, mapper).create(Kv.class);
	}

	static ClientInterceptor target(String endpoint) {
		return interceptor(100, (call, chain) -> {
			call.setTarget(new ServiceInstance("kv", URI.create(endpoint)));
			return chain.proceed(call);
		});
	}

	private static ClientInterceptor retryOnce() {
		return interceptor(100, (call, chain) -> {
			call.setTarget(new ServiceInstance("kv", URI.create("http://node-1:8081/rpc")));
			try {
				return chain.proceed(call);
			}
			catch (RpcConnectException ex) {
				call.setAttempt(2);
				call.setTarget(new ServiceInstance("kv", URI.create("http://node-2:8082/rpc")));
				return chain.proceed(call);
			}
		});
	}

	static ClientInterceptor interceptor(int order, Interception interception) {
		return new ClientInterceptor() {

			@Override
			public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
				return interception.intercept(call, chain);
			}

			@Override
			public int getOrder() {
				return order;
			}

		};
	}

	@FunctionalInterface
	interface Interception {

		@Nullable Object intercept(ClientCall call, ClientInterceptorChain chain);

	}

	@ResilientRpc(service = "kv")
	interface Kv {

		String get(String key);

	}

	interface KvApi {

		String get(String key);

		void put(String key, String value);

	}

	@RpcService("kv")
	static class KvServer implements KvApi {

		@Override
		public String get(String key) {
			return "value of " + key;
		}

		@Override
		public void put(String key, String value) {
			if ("bad".equals(key)) {
				throw new IllegalArgumentException("bad key");
			}
		}

	}

}
