package dev.resilientrpc.retry;

import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcMethodMetadata;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.cluster.ServiceInstance;

/**
 * Calls and clocks for tests that run the client chain without HTTP.
 */
final class TestCalls {

	static final ServiceInstance INSTANCE = new ServiceInstance("svc", URI.create("http://127.0.0.1:1/rpc"));

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private TestCalls() {
	}

	/** A client interface. */
	@ResilientRpc(service = "svc")
	interface Api {

		String call();

		@ResilientRpc(idempotent = true)
		String read();

	}

	static ClientCall call(String methodName) {
		try {
			Method method = Api.class.getMethod(methodName);
			RpcMethodMetadata metadata = new RpcMethodMetadata("svc", "svc." + methodName, method,
					mapper.constructType(String.class), false, -1);
			return new ClientCall(metadata, new Object[0], "key");
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static RpcRetryPolicy.Builder policy() {
		return RpcRetryPolicy.builder(RpcRetryPolicy.DEFAULT)
			.backoff(BackoffKind.FIXED)
			.delay(java.time.Duration.ofMillis(100));
	}

	/**
	 * A transport that answers each attempt with the next of its answers (a result or an
	 * exception to throw) and records the attempts it saw.
	 */
	static final class ScriptedTransport implements RpcTransport {

		private final List<Object> answers;

		final List<Integer> attempts = new ArrayList<>();

		ScriptedTransport(Object... answers) {
			this.answers = List.of(answers);
		}

		@Override
		public Object send(ClientCall call) {
			this.attempts.add(call.getAttempt());
			Object answer = this.answers.get(Math.min(this.attempts.size() - 1, this.answers.size() - 1));
			if (answer instanceof RuntimeException ex) {
				throw ex;
			}
			if (answer instanceof Error error) {
				throw error;
			}
			if (answer instanceof Function<?, ?> function) {
				@SuppressWarnings("unchecked")
				Function<ClientCall, Object> producer = (Function<ClientCall, Object>) function;
				return producer.apply(call);
			}
			return answer;
		}

	}

	/**
	 * A clock that moves only when it sleeps.
	 */
	static final class FakeTime implements Ticker, Sleeper {

		final AtomicLong nanos = new AtomicLong(1_000_000_000L);

		final List<Long> sleeps = new ArrayList<>();

		@Override
		public long nanoTime() {
			return this.nanos.get();
		}

		@Override
		public void sleep(long millis) {
			this.sleeps.add(millis);
			this.nanos.addAndGet(millis * 1_000_000L);
		}

	}

	/**
	 * A client with the retry pipeline (deadline, retry) around a transport that targets
	 * {@link #INSTANCE}.
	 */
	static RpcClient client(RpcRetryPolicy policy, RetryBudget budget, FakeTime time, RpcTransport transport,
			ClientInterceptor... inner) {
		RpcMethodSettingsResolver methods = RpcMethodSettingsResolver.of(Map.of(RpcRetryPolicy.DEFAULT, policy));
		List<ClientInterceptor> interceptors = new ArrayList<>();
		interceptors.add(new DeadlineInterceptor(methods, time));
		interceptors.add(new RetryInterceptor(methods, new RetryBudgets((service) -> budget), time, time,
				new AttemptTimer(), ResilienceListener.NONE));
		interceptors.add(new ClientInterceptor() {

			@Override
			public Object intercept(ClientCall call, dev.resilientrpc.client.ClientInterceptorChain chain) {
				call.setTarget(INSTANCE);
				return chain.proceed(call);
			}

			@Override
			public int getOrder() {
				return dev.resilientrpc.protocol.InterceptorOrder.Client.INSTANCE_SELECTION;
			}

		});
		interceptors.addAll(List.of(inner));
		return new RpcClient(interceptors, transport);
	}

}
