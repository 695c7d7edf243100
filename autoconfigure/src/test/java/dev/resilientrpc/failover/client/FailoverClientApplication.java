package dev.resilientrpc.failover.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.failover.node.FailoverKvApi;
import dev.resilientrpc.protocol.InterceptorOrder;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A client of the kv nodes, with a stand-in for the retry interceptor of issue 3: it
 * retries every retryable failure, after the server's Retry-After, within a deadline.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class FailoverClientApplication {

	/** Retries made, across all calls. */
	public static final AtomicLong retries = new AtomicLong();

	@Bean
	ClientInterceptor retryWithinDeadline() {
		return new ClientInterceptor() {

			@Override
			public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
				long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
				for (int attempt = 1;; attempt++) {
					call.setAttempt(attempt);
					try {
						return chain.proceed(call);
					}
					catch (RpcException ex) {
						if (!ex.isRetryable() || System.nanoTime() > deadline) {
							throw ex;
						}
						retries.incrementAndGet();
						Duration retryAfter = (ex instanceof RpcRemoteException remote) ? remote.getRetryAfter() : null;
						sleep((retryAfter != null) ? Math.min(retryAfter.toMillis(), 200) : 20);
					}
				}
			}

			@Override
			public int getOrder() {
				return InterceptorOrder.Client.RETRY;
			}

		};
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Client of the kv nodes.
	 */
	@ResilientRpc(service = "kv")
	public interface KvClient extends FailoverKvApi {

		// reads may be retried after a connection cut off by the kill; appends are not,
		// so that
		// their unknown outcomes are what the test checks
		@Override
		@ResilientRpc(idempotent = true)
		@Nullable String get(@RoutingKey String key);

		@Override
		@ResilientRpc(idempotent = true)
		int whoami(@RoutingKey String key);

	}

}
