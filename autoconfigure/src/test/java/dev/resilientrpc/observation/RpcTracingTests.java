package dev.resilientrpc.observation;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Span.Kind;
import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcClientProxyFactory;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.observation.RpcObservationTests.Kv;
import dev.resilientrpc.observation.RpcObservationTests.KvServer;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;
import dev.resilientrpc.slot.Forwarder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Micrometer Tracing (Brave, W3C propagation) a client call and the server call it
 * causes are two spans of one trace: the client writes {@code traceparent} into the
 * headers its attempts send, the server continues from it.
 */
class RpcTracingTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

	private final Tracing tracing = Tracing.newBuilder()
		.currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().build())
		.propagationFactory(new W3CPropagation())
		.traceId128Bit(true)
		.sampler(Sampler.ALWAYS_SAMPLE)
		.addSpanHandler(new SpanHandler() {
			@Override
			public boolean end(TraceContext context, MutableSpan span, Cause cause) {
				RpcTracingTests.this.spans.add(span);
				return true;
			}
		})
		.build();

	@AfterEach
	void closeTracing() {
		this.tracing.close();
	}

	@Test
	void aClientCallAndTheServerCallItCausesAreOneTrace() {
		ObservationRegistry registry = tracingRegistry();
		JsonRpcServer server = new JsonRpcServer(RpcServiceRegistry.of(Map.of("kv", new KvServer())), mapper, List.of(),
				64, 100);
		server.setObservationRegistry(registry);
		List<Map<String, String>> sent = new CopyOnWriteArrayList<>();
		// the transport hands the attempt's headers to the server as HTTP would
		RpcTransport inProcess = (call) -> {
			sent.add(Map.copyOf(call.getHeaders()));
			byte[] body = ("{\"jsonrpc\":\"2.0\",\"method\":\"kv.get\",\"params\":[\"a\"],\"id\":1}")
				.getBytes(StandardCharsets.UTF_8);
			byte[] answer = server.handle(body, body.length, call.getHeaders()::get).body();
			return mapper.readTree(answer).get("result").asString();
		};
		RpcClient client = new RpcClient(List.of(RpcObservationTests.target("http://node-1:8081/rpc")), inProcess);
		client.setObservationRegistry(registry);
		Kv kv = new RpcClientProxyFactory(client, mapper).create(Kv.class);

		assertThat(kv.get("a")).isEqualTo("value of a");

		assertThat(this.spans).hasSize(2);
		MutableSpan serverSpan = span(Kind.SERVER);
		MutableSpan clientSpan = span(Kind.CLIENT);
		assertThat(clientSpan.name()).isEqualTo("kv.get");
		assertThat(serverSpan.name()).isEqualTo("kv.get");
		assertThat(serverSpan.traceId()).isEqualTo(clientSpan.traceId());
		assertThat(serverSpan.parentId()).isEqualTo(clientSpan.id());
		assertThat(serverSpan.tags()).containsEntry("rpc.method", "kv.get")
			.containsEntry("rpc.system.name", "jsonrpc")
			.containsEntry("rpc.response.status_code", "OK");
		assertThat(clientSpan.tags()).containsEntry("server.address", "node-1").containsEntry("server.port", "8081");
		assertThat(sent).singleElement()
			.satisfies((headers) -> assertThat(headers.get("traceparent"))
				.isEqualTo("00-" + clientSpan.traceId() + "-" + clientSpan.id() + "-01"));
	}

	@Test
	void behindAnHttpServerObservationTheCallIsAChildOfTheHttpSpan() {
		ObservationRegistry registry = tracingRegistry();
		JsonRpcServer server = new JsonRpcServer(RpcServiceRegistry.of(Map.of("kv", new KvServer())), mapper, List.of(),
				64, 100);
		server.setObservationRegistry(registry);
		Map<String, String> headers = new HashMap<>();
		// as a caller in another process would send it
		headers.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		// as Boot's http.server.requests observation does around the servlet
		ReceiverContext<Map<String, String>> http = new ReceiverContext<>((carrier, key) -> carrier.get(key));
		http.setCarrier(headers);
		Observation request = Observation.createNotStarted("http.server.requests", () -> http, registry).start();
		try (Observation.Scope scope = request.openScope()) {
			byte[] body = "{\"jsonrpc\":\"2.0\",\"method\":\"kv.get\",\"params\":[\"a\"],\"id\":1}"
				.getBytes(StandardCharsets.UTF_8);
			server.handle(body, body.length, headers::get);
		}
		finally {
			request.stop();
		}

		assertThat(this.spans).hasSize(2);
		MutableSpan httpSpan = this.spans.stream()
			.filter((span) -> "http.server.requests".equals(span.name()))
			.findFirst()
			.orElseThrow();
		MutableSpan rpcSpan = this.spans.stream()
			.filter((span) -> "kv.get".equals(span.name()))
			.findFirst()
			.orElseThrow();
		assertThat(httpSpan.parentId()).isEqualTo("b7ad6b7169203331");
		assertThat(rpcSpan.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
		assertThat(rpcSpan.parentId()).isEqualTo(httpSpan.id());
	}

	@Test
	void aCallForwardedToTheNodeThatServesItsKeyStaysInTheCallersTrace() throws Exception {
		ObservationRegistry registry = tracingRegistry();
		JsonRpcServer owner = new JsonRpcServer(RpcServiceRegistry.of(Map.of("kv", new KvServer())), mapper, List.of(),
				64, 100);
		owner.setObservationRegistry(registry);
		HttpServer ownerHttp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		ownerHttp.createContext("/rpc", (exchange) -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			byte[] answer = owner.handle(body, body.length, exchange.getRequestHeaders()::getFirst).body();
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		ownerHttp.start();
		try {
			String ownerEndpoint = "http://127.0.0.1:" + ownerHttp.getAddress().getPort() + "/rpc";
			Forwarder forwarder = new Forwarder(mapper, "node-1", Duration.ofSeconds(2), Duration.ofSeconds(1));
			forwarder.setObservationRegistry(registry);
			ServerInterceptor forwarding = new ServerInterceptor() {

				@Override
				public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) {
					return forwarder.forward(call, ownerEndpoint, System.nanoTime() + Duration.ofSeconds(5).toNanos());
				}

				@Override
				public int getOrder() {
					return 100;
				}

			};
			JsonRpcServer node = new JsonRpcServer(RpcServiceRegistry.of(Map.of("kv", new KvServer())), mapper,
					List.of(forwarding), 64, 100);
			node.setObservationRegistry(registry);
			RpcTransport toNode = (call) -> {
				byte[] body = ("{\"jsonrpc\":\"2.0\",\"method\":\"kv.get\",\"params\":[\"a\"],\"id\":1}")
					.getBytes(StandardCharsets.UTF_8);
				byte[] answer = node.handle(body, body.length, call.getHeaders()::get).body();
				return mapper.readTree(answer).get("result").asString();
			};
			RpcClient client = new RpcClient(List.of(RpcObservationTests.target("http://node-1:8081/rpc")), toNode);
			client.setObservationRegistry(registry);

			assertThat(new RpcClientProxyFactory(client, mapper).create(Kv.class).get("a")).isEqualTo("value of a");
		}
		finally {
			ownerHttp.stop(0);
		}
		// client -> node (server) -> forward (client) -> owner (server), one trace
		assertThat(this.spans).hasSize(4);
		assertThat(this.spans).extracting(MutableSpan::traceId).containsOnly(this.spans.get(0).traceId());
		MutableSpan ownerSpan = this.spans.stream()
			.filter((span) -> span.kind() == Kind.SERVER && span.parentId() != null)
			.filter((span) -> this.spans.stream()
				.anyMatch((hop) -> hop.kind() == Kind.CLIENT && hop.id().equals(span.parentId())
						&& hop.parentId() != null))
			.findFirst()
			.orElseThrow();
		assertThat(ownerSpan.tags()).containsEntry("rpc.method", "kv.get");
	}

	private MutableSpan span(Kind kind) {
		return this.spans.stream().filter((span) -> span.kind() == kind).findFirst().orElseThrow();
	}

	private ObservationRegistry tracingRegistry() {
		BraveTracer tracer = new BraveTracer(this.tracing.tracer(),
				new BraveCurrentTraceContext(this.tracing.currentTraceContext()));
		BravePropagator propagator = new BravePropagator(this.tracing);
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
					new DefaultTracingObservationHandler(tracer)));
		return registry;
	}

}
