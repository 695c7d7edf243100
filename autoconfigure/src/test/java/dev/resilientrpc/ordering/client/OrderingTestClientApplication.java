package dev.resilientrpc.ordering.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.client.RpcTransportException;
import dev.resilientrpc.ordering.LedgerApi;
import dev.resilientrpc.protocol.InterceptorOrder;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A client of the ledger with a minimal retry interceptor in the retry slot of the chain.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class OrderingTestClientApplication {

	@Bean
	RetryingInterceptor retryingInterceptor() {
		return new RetryingInterceptor();
	}

	/** Client of the ledger. */
	@ResilientRpc(service = "ledger")
	public interface LedgerClient extends LedgerApi {

	}

	/**
	 * Retries retryable failures and broken responses up to three attempts in all. Retrying a
	 * response that may have been sent is safe here because the server deduplicates.
	 */
	public static final class RetryingInterceptor implements ClientInterceptor {

		/** Headers sent with each attempt. */
		public final List<String> timestampsSeen = Collections.synchronizedList(new ArrayList<>());

		@Override
		public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
			for (int attempt = 1;; attempt++) {
				call.setAttempt(attempt);
				this.timestampsSeen.add(String.valueOf(call.getHeaders().get("Rpc-Timestamp")));
				try {
					return chain.proceed(call);
				}
				catch (RpcException ex) {
					if (attempt == 3 || !(ex.isRetryable() || ex instanceof RpcTransportException)) {
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

}
