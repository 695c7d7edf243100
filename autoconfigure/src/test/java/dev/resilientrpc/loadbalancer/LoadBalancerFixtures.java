package dev.resilientrpc.loadbalancer;

import java.lang.reflect.Method;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.client.RpcMethodMetadata;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.InterceptorOrder;

import tools.jackson.databind.json.JsonMapper;

/**
 * Instances, calls, clocks and an independent reference ring for the load balancer tests.
 */
final class LoadBalancerFixtures {

	static final String SERVICE = "kv";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final RpcMethodMetadata KEYED = metadata("get", String.class);

	private static final RpcMethodMetadata KEYLESS = metadata("ping");

	private LoadBalancerFixtures() {
	}

	static ServiceInstance instance(int i) {
		return new ServiceInstance(SERVICE, URI.create("http://10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080/rpc"));
	}

	static List<ServiceInstance> instances(int count) {
		List<ServiceInstance> result = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			result.add(instance(i));
		}
		return result;
	}

	static String key(int i) {
		return "key-" + i;
	}

	static ClientCall call(@Nullable String key) {
		return (key != null) ? new ClientCall(KEYED, new Object[] { key }, "id-" + key)
				: new ClientCall(KEYLESS, new Object[0], "id");
	}

	private static RpcMethodMetadata metadata(String name, Class<?>... parameterTypes) {
		try {
			Method method = Api.class.getMethod(name, parameterTypes);
			return new RpcMethodMetadata(SERVICE, SERVICE + "." + name, method,
					mapper.constructType(method.getGenericReturnType()), false, (parameterTypes.length > 0) ? 0 : -1);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The API the test calls go to.
	 */
	interface Api {

		String get(@RoutingKey String key);

		String ping();

	}

	/**
	 * A clock the test moves by hand.
	 */
	static final class MutableClock extends Clock {

		private final AtomicLong millis = new AtomicLong(1_000_000);

		void advance(long delta) {
			this.millis.addAndGet(delta);
		}

		@Override
		public long millis() {
			return this.millis.get();
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

	}

	/**
	 * Retries every failed attempt up to a number of attempts, the way the retry
	 * interceptor of issue 3 runs the rest of the chain again for the same call.
	 */
	static final class RetryAll implements ClientInterceptor {

		private final int maxAttempts;

		RetryAll(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		@Override
		public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
			for (int attempt = 1;; attempt++) {
				call.setAttempt(attempt);
				try {
					return chain.proceed(call);
				}
				catch (RpcException ex) {
					if (attempt >= this.maxAttempts) {
						throw ex;
					}
				}
			}
		}

		@Override
		public int getOrder() {
			return InterceptorOrder.Client.RETRY;
		}

	}

	/**
	 * A ring built the obvious way, with a {@code TreeMap} and the documented hash
	 * scheme, to check the primitive-array ring against.
	 */
	static final class ReferenceRing {

		private static final Hasher64 xxh3 = Hashing.xxh3_64();

		private final NavigableMap<Long, ServiceInstance> points = new TreeMap<>();

		ReferenceRing(List<ServiceInstance> instances, int virtualNodes, Map<ServiceInstance, Double> weights) {
			List<ServiceInstance> sorted = new ArrayList<>(new LinkedHashSet<>(instances));
			// on a collision the instance whose identity sorts first owns the point
			sorted.sort((a, b) -> b.endpoint().toString().compareTo(a.endpoint().toString()));
			for (ServiceInstance instance : sorted) {
				long identity = xxh3.hashCharsToLong(instance.endpoint().toString());
				long count = Math.max(1, Math.round(virtualNodes * weights.getOrDefault(instance, 1.0)));
				for (int v = 0; v < count; v++) {
					this.points.put(xxh3.hashLongLongToLong(identity, v), instance);
				}
			}
		}

		ServiceInstance owner(String key) {
			Map.Entry<Long, ServiceInstance> entry = this.points.ceilingEntry(xxh3.hashCharsToLong(key));
			return (entry != null) ? entry.getValue() : this.points.firstEntry().getValue();
		}

		/** Distinct instances clockwise from a position. */
		List<ServiceInstance> walk(long position) {
			Set<ServiceInstance> order = new LinkedHashSet<>();
			for (ServiceInstance instance : this.points.tailMap(position, true).values()) {
				order.add(instance);
			}
			for (ServiceInstance instance : this.points.headMap(position, false).values()) {
				order.add(instance);
			}
			return new ArrayList<>(order);
		}

		List<ServiceInstance> walk(String key) {
			return walk(xxh3.hashCharsToLong(key));
		}

	}

}
