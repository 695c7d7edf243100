package dev.resilientrpc.benchmarks.retry;

import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcMethodMetadata;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.retry.AttemptTimer;
import dev.resilientrpc.retry.BulkheadInterceptor;
import dev.resilientrpc.retry.CircuitBreakerInterceptor;
import dev.resilientrpc.retry.DeadlineInterceptor;
import dev.resilientrpc.retry.FallbackInterceptor;
import dev.resilientrpc.retry.InstanceCircuitBreakers;
import dev.resilientrpc.retry.ResilienceListener;
import dev.resilientrpc.retry.RetryBudget;
import dev.resilientrpc.retry.RetryBudgets;
import dev.resilientrpc.retry.RetryInterceptor;
import dev.resilientrpc.retry.RpcMethodSettingsResolver;
import dev.resilientrpc.retry.RpcRetryPolicy;
import dev.resilientrpc.retry.Sleeper;
import dev.resilientrpc.retry.Ticker;

/**
 * Success-path cost per call of the resilience pipeline (fallback, deadline, bulkhead,
 * retry on Spring's RetryTemplate with budget, per-instance breaker) around a transport
 * that answers at once, beside the same Resilience4j decorators (Bulkhead, Retry,
 * CircuitBreaker) composed by hand, and beside a bare call through the chain with only
 * instance selection. Each operation makes one {@link ClientCall}, as a proxy call does.
 *
 * <p>
 * Run: {@code benchmarks/run.sh jmh RetryPipelineBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RetryPipelineBenchmark {

	private static final ServiceInstance INSTANCE = new ServiceInstance("svc", URI.create("http://127.0.0.1:8080/rpc"));

	private static final Object[] ARGUMENTS = { "key" };

	private RpcMethodMetadata method;

	private RpcClient bare;

	private RpcClient pipeline;

	private RpcClient pipelineWithDeadline;

	private RpcClient pipelineWithDeadlineTimedByTransport;

	private Supplier<@Nullable Object> resilience4j;

	private AttemptTimer timer;

	private AttemptTimer unusedTimer;

	private @Nullable ClientCall current;

	/**
	 * The method called.
	 *
	 * @param key the key
	 * @return the value
	 */
	public interface Api {

		String get(String key);

	}

	@Setup
	public void setUp() throws NoSuchMethodException {
		Method get = Api.class.getMethod("get", String.class);
		this.method = new RpcMethodMetadata("svc", "svc.get", get,
				JsonMapper.builder().build().constructType(String.class), false, -1);
		RpcTransport transport = (call) -> "value";
		InstanceSelector selector = new FixedSelector();
		this.bare = new RpcClient(List.of(selector), transport);
		this.timer = new AttemptTimer();
		this.unusedTimer = new AttemptTimer();
		this.unusedTimer.setInterrupting(false);
		this.pipeline = pipeline(transport, selector, null, this.timer);
		this.pipelineWithDeadline = pipeline(transport, selector, Duration.ofSeconds(10), this.timer);
		this.pipelineWithDeadlineTimedByTransport = pipeline(transport, selector, Duration.ofSeconds(10),
				this.unusedTimer);
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("svc@127.0.0.1:8080");
		Retry retry = Retry.ofDefaults("svc");
		Bulkhead bulkhead = Bulkhead.ofDefaults("svc");
		// same order as ours: bulkhead outside the retry, breaker inside it
		Supplier<@Nullable Object> call = () -> this.bare.execute(Objects.requireNonNull(this.current));
		this.resilience4j = Bulkhead.decorateSupplier(bulkhead,
				Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)));
	}

	private RpcClient pipeline(RpcTransport transport, InstanceSelector selector, @Nullable Duration timeout,
			AttemptTimer timer) {
		RpcRetryPolicy policy = RpcRetryPolicy.builder(RpcRetryPolicy.DEFAULT).timeout(timeout).build();
		RpcMethodSettingsResolver methods = RpcMethodSettingsResolver.of(Map.of(RpcRetryPolicy.DEFAULT, policy));
		RetryBudgets budgets = new RetryBudgets((service) -> new RetryBudget(10, 0.1));
		List<ClientInterceptor> interceptors = List.of(new FallbackInterceptor(methods),
				new DeadlineInterceptor(methods, Ticker.SYSTEM), new BulkheadInterceptor(BulkheadRegistry.ofDefaults()),
				new RetryInterceptor(methods, budgets, Sleeper.THREAD, Ticker.SYSTEM, timer, ResilienceListener.NONE),
				selector, new CircuitBreakerInterceptor(
						new InstanceCircuitBreakers(CircuitBreakerRegistry.ofDefaults(), ResilienceListener.NONE)));
		return new RpcClient(interceptors, transport);
	}

	@TearDown
	public void tearDown() {
		this.timer.close();
		this.unusedTimer.close();
	}

	private ClientCall newCall() {
		// a constant key: making keys is the proxy's cost, the same with or without the
		// pipeline
		return new ClientCall(this.method, ARGUMENTS, "5f0c8c4e-8d5b-4c43-9a3e-2f1d6f9b7a10");
	}

	/**
	 * A call through the chain with instance selection only.
	 * @return the result
	 */
	@Benchmark
	public @Nullable Object bare() {
		return this.bare.execute(newCall());
	}

	/**
	 * A call through our pipeline: fallback, deadline, bulkhead, retry (budget),
	 * selection, breaker; the default policy has no deadline.
	 * @return the result
	 */
	@Benchmark
	public @Nullable Object pipeline() {
		return this.pipeline.execute(newCall());
	}

	/**
	 * The same with a 10s deadline: the attempt timer is armed and disarmed on each call.
	 * @return the result
	 */
	@Benchmark
	public @Nullable Object pipelineWithDeadline() {
		return this.pipelineWithDeadline.execute(newCall());
	}

	/**
	 * The same with a 10s deadline on a transport that times each request itself (Apache
	 * HttpClient 5): no attempt timer is scheduled.
	 * @return the result
	 */
	@Benchmark
	public @Nullable Object pipelineWithDeadlineTimedByTransport() {
		return this.pipelineWithDeadlineTimedByTransport.execute(newCall());
	}

	/**
	 * A bare call wrapped in Resilience4j's Bulkhead, Retry and CircuitBreaker by hand.
	 * @return the result
	 */
	@Benchmark
	public @Nullable Object resilience4jByHand() {
		this.current = newCall();
		return this.resilience4j.get();
	}

	static final class FixedSelector implements InstanceSelector {

		@Override
		public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
			call.setTarget(INSTANCE);
			return chain.proceed(call);
		}

		@Override
		public int getOrder() {
			return InterceptorOrder.Client.INSTANCE_SELECTION;
		}

	}

}
