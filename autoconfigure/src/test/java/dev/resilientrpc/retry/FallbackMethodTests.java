package dev.resilientrpc.retry;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Resolving and calling {@link FallbackMethod fallbacks}.
 */
class FallbackMethodTests {

	@ResilientRpc(service = "svc")
	interface Client {

		@ResilientRpc(fallback = "recover")
		String get(String key);

		@ResilientRpc(fallback = "missing")
		String broken(String key);

		@ResilientRpc(fallback = "wrongShape")
		String wrong(String key);

		@ResilientRpc(fallback = "holder::recover")
		int count(String key);

		default String recover(String key, RpcConnectException ex) {
			return "connect " + key;
		}

		default String recover(String key, RpcException ex) {
			return "rpc " + key;
		}

		default String wrongShape(String key) {
			return key;
		}

	}

	static class Holder {

		int recover(String key, Throwable ex) {
			return key.length();
		}

	}

	private static final Map<String, Class<?>> beanTypes = Map.of("holder", Holder.class);

	private static FallbackMethod resolve(String methodName, String spec) throws NoSuchMethodException {
		return FallbackMethod.resolve(Client.class, Client.class.getMethod(methodName, String.class), spec,
				beanTypes::get, (name) -> new Holder());
	}

	private static Client proxy() {
		return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] { Client.class },
				(proxy, method, args) -> {
					throw new UnsupportedOperationException();
				});
	}

	@Test
	void theOverloadWithTheMostSpecificMatchingExceptionTypeIsCalled() throws Throwable {
		FallbackMethod fallback = resolve("get", "recover");
		Client proxy = proxy();
		RpcConnectException connect = new RpcConnectException(TestCalls.INSTANCE.endpoint(),
				new java.net.ConnectException());
		assertThat(fallback.invoke(proxy, new Object[] { "k" }, connect)).isEqualTo("connect k");
		assertThat(fallback.invoke(proxy, new Object[] { "k" }, new RpcException("x", null, false))).isEqualTo("rpc k");
	}

	@Test
	void aFailureThatNoOverloadTakesIsThrownAgain() throws NoSuchMethodException {
		FallbackMethod fallback = resolve("get", "recover");
		IllegalStateException failure = new IllegalStateException("not an RpcException");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> fallback.invoke(proxy(), new Object[] { "k" }, failure))
			.isSameAs(failure);
	}

	@Test
	void aBeanMethodIsCalledOnTheBean() throws Throwable {
		FallbackMethod fallback = FallbackMethod.resolve(Client.class, Client.class.getMethod("count", String.class),
				"holder::recover", beanTypes::get, (name) -> new Holder());
		assertThat(fallback.invoke(null, new @Nullable Object[] { "four" }, new IllegalStateException())).isEqualTo(4);
	}

	@Test
	void aFallbackThatDoesNotExistNamesTheMethodAndTheExpectedShape() {
		assertThatIllegalStateException().isThrownBy(() -> resolve("broken", "missing"))
			.withMessageContaining("@ResilientRpc(fallback = \"missing\") on Client.broken(String)")
			.withMessageContaining("'String missing(String, Throwable)'");
		assertThatIllegalStateException().isThrownBy(() -> resolve("wrong", "wrongShape"))
			.withMessageContaining("'String wrongShape(String, Throwable)'");
		assertThatIllegalStateException().isThrownBy(() -> resolve("get", "nobody::recover"))
			.withMessageContaining("no bean named 'nobody'");
	}

}
