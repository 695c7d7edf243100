package dev.resilientrpc.it.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.it.CalculatorApi;
import dev.resilientrpc.it.SpecApi;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A server application exporting the test APIs.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestServerApplication {

	/** Headers of the last call, recorded by an interceptor. */
	public static final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

	@Bean
	CalculatorServer calculatorServer() {
		return new CalculatorServer();
	}

	@Bean
	SpecServer specServer() {
		return new SpecServer();
	}

	@Bean
	ServerInterceptor headerRecorder() {
		return new ServerInterceptor() {

			@Override
			public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
				for (String name : List.of(RpcHeaders.IDEMPOTENCY_KEY, RpcHeaders.ATTEMPT)) {
					String value = call.getHeader(name);
					if (value != null) {
						lastHeaders.put(name, value);
					}
				}
				return chain.proceed(call);
			}

			@Override
			public int getOrder() {
				return 0;
			}

		};
	}

	/**
	 * The calculator.
	 */
	@RpcService("calc")
	public static class CalculatorServer implements CalculatorApi {

		@Override
		public int add(int a, int b) {
			return a + b;
		}

		@Override
		public double divide(double a, double b) {
			return a / b;
		}

		@Override
		public boolean negate(boolean value) {
			return !value;
		}

		@Override
		public Point mirror(Point point) {
			return new Point(point.y(), point.x());
		}

		@Override
		public List<Point> line(int length) {
			List<Point> points = new ArrayList<>();
			for (int i = 0; i < length; i++) {
				points.add(new Point(i, i));
			}
			return points;
		}

		@Override
		public Map<String, List<Integer>> groupByParity(List<Integer> values) {
			Map<String, List<Integer>> groups = new LinkedHashMap<>();
			for (Integer value : values) {
				groups.computeIfAbsent((value % 2 == 0) ? "even" : "odd", (key) -> new ArrayList<>()).add(value);
			}
			return groups;
		}

		@Override
		public Optional<String> find(String prefix) {
			return "app".equals(prefix) ? Optional.of("apple") : Optional.empty();
		}

		@Override
		public @Nullable String echo(@Nullable String value) {
			return value;
		}

		@Override
		public void fail(String message) {
			throw new IllegalStateException(message);
		}

		@Override
		public long sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return millis;
		}

		@Override
		public String header(String name) {
			return String.valueOf(lastHeaders.get(name));
		}

		/** Not part of the API: must not be callable. */
		public String secret() {
			return "secret";
		}

	}

	/**
	 * The methods of the specification's examples.
	 */
	@RpcService("spec")
	public static class SpecServer implements SpecApi {

		/** Notifications received. */
		public final AtomicInteger notifications = new AtomicInteger();

		@Override
		public int subtract(int minuend, int subtrahend) {
			return minuend - subtrahend;
		}

		@Override
		public void update(int a, int b, int c, int d, int e) {
			this.notifications.incrementAndGet();
		}

		@Override
		public int sum(int a, int b, int c) {
			return a + b + c;
		}

		@Override
		public void notify_hello(int value) {
			this.notifications.incrementAndGet();
		}

		@Override
		public List<Object> get_data() {
			return List.of("hello", 5);
		}

		@Override
		public void notify_sum(int a, int b, int c) {
			this.notifications.incrementAndGet();
		}

	}

}
