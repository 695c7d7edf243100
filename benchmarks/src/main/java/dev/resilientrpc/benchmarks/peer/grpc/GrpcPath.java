package dev.resilientrpc.benchmarks.peer.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.CallOptions;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.benchmarks.peer.KvPath;
import dev.resilientrpc.benchmarks.peer.KvStore;

/**
 * gRPC-java unary calls, as its generated blocking stub makes them, to three Netty
 * servers: one channel over the three addresses with {@code round_robin} and gRPC's retry
 * (service config: 3 attempts, back-off from 50 ms doubling, on {@code UNAVAILABLE}),
 * each call with a 10 s deadline like resilient-rpc's read timeout. gRPC has no circuit
 * breaker; {@code round_robin} stops picking an instance whose connection failed.
 *
 * <p>
 * The messages are protoc-generated from {@code src/main/protobuf/peer_kv.proto}; the
 * method descriptors below are what protoc-gen-grpc-java would generate (it is not served
 * for gRPC 1.85 here), with the same protobuf marshallers.
 */
public final class GrpcPath implements KvPath {

	static final String SERVICE = "peerkv.Kv";

	static final MethodDescriptor<PutRequest, PutReply> PUT = MethodDescriptor.<PutRequest, PutReply>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Put"))
		.setRequestMarshaller(ProtoUtils.marshaller(PutRequest.getDefaultInstance()))
		.setResponseMarshaller(ProtoUtils.marshaller(PutReply.getDefaultInstance()))
		.build();

	static final MethodDescriptor<GetRequest, GetReply> GET = MethodDescriptor.<GetRequest, GetReply>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Get"))
		.setRequestMarshaller(ProtoUtils.marshaller(GetRequest.getDefaultInstance()))
		.setResponseMarshaller(ProtoUtils.marshaller(GetReply.getDefaultInstance()))
		.build();

	private static final AtomicInteger schemes = new AtomicInteger();

	private final List<Server> servers = new ArrayList<>();

	private final StaticResolverProvider resolver;

	private final ManagedChannel channel;

	public GrpcPath() {
		KvStore store = new KvStore();
		List<EquivalentAddressGroup> addresses = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				Server server = NettyServerBuilder
					.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
					.addService(service(store))
					.build()
					.start();
				this.servers.add(server);
				addresses.add(new EquivalentAddressGroup(server.getListenSockets().get(0)));
			}
		}
		catch (IOException ex) {
			this.servers.forEach(Server::shutdownNow);
			throw new UncheckedIOException(ex);
		}
		this.resolver = new StaticResolverProvider("peerkv" + schemes.incrementAndGet(), addresses);
		NameResolverRegistry.getDefaultRegistry().register(this.resolver);
		this.channel = NettyChannelBuilder.forTarget(this.resolver.getDefaultScheme() + ":///kv")
			.usePlaintext()
			.defaultServiceConfig(serviceConfig())
			.enableRetry()
			.build();
	}

	private static Map<String, ?> serviceConfig() {
		// numbers in a service config are doubles, as JSON parsing would make them
		Map<String, Object> retryPolicy = Map.of("maxAttempts", 3.0, "initialBackoff", "0.05s", "maxBackoff", "2s",
				"backoffMultiplier", 2.0, "retryableStatusCodes", List.of("UNAVAILABLE"));
		Map<String, Object> methodConfig = Map.of("name", List.of(Map.of("service", SERVICE)), "retryPolicy",
				retryPolicy);
		return Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of())), "methodConfig",
				List.of(methodConfig));
	}

	private static ServerServiceDefinition service(KvStore store) {
		return ServerServiceDefinition.builder(SERVICE)
			.addMethod(PUT, ServerCalls.asyncUnaryCall((request, response) -> {
				store.put(request.getKey(), request.getValue());
				response.onNext(PutReply.getDefaultInstance());
				response.onCompleted();
			}))
			.addMethod(GET, ServerCalls.asyncUnaryCall((request, response) -> {
				String value = store.get(request.getKey());
				response.onNext((value != null) ? GetReply.newBuilder().setFound(true).setValue(value).build()
						: GetReply.getDefaultInstance());
				response.onCompleted();
			}))
			.build();
	}

	private CallOptions options() {
		return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
	}

	@Override
	public void put(String key, String value) {
		ClientCalls.blockingUnaryCall(this.channel, PUT, options(),
				PutRequest.newBuilder().setKey(key).setValue(value).build());
	}

	@Override
	public @Nullable String get(String key) {
		GetReply reply = ClientCalls.blockingUnaryCall(this.channel, GET, options(),
				GetRequest.newBuilder().setKey(key).build());
		return reply.getFound() ? reply.getValue() : null;
	}

	@Override
	public boolean survivesKill() {
		return true;
	}

	@Override
	public void killOne() {
		this.servers.get(1).shutdownNow();
	}

	@Override
	public void close() {
		this.channel.shutdownNow();
		NameResolverRegistry.getDefaultRegistry().deregister(this.resolver);
		this.servers.forEach(Server::shutdownNow);
	}

	/**
	 * Resolves its scheme to the three servers' addresses, which never change.
	 */
	private static final class StaticResolverProvider extends NameResolverProvider {

		private final String scheme;

		private final List<EquivalentAddressGroup> addresses;

		StaticResolverProvider(String scheme, List<EquivalentAddressGroup> addresses) {
			this.scheme = scheme;
			this.addresses = addresses;
		}

		@Override
		public String getDefaultScheme() {
			return this.scheme;
		}

		@Override
		protected boolean isAvailable() {
			return true;
		}

		@Override
		protected int priority() {
			return 5;
		}

		@Override
		public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
			return List.of(InetSocketAddress.class);
		}

		@Override
		public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
			return new NameResolver() {

				@Override
				public String getServiceAuthority() {
					return "kv";
				}

				@Override
				public void start(Listener2 listener) {
					listener.onResult(
							ResolutionResult.newBuilder().setAddresses(StaticResolverProvider.this.addresses).build());
				}

				@Override
				public void shutdown() {
				}

			};
		}

	}

}
