package dev.resilientrpc.ordering.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.ordering.LedgerApi;
import dev.resilientrpc.protocol.InterceptorOrder;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A client of the ledger, with the real retry interceptor (the ledger's server
 * deduplicates, so the service is configured as idempotent) and a recorder of what each
 * attempt carries.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class OrderingTestClientApplication {

	@Bean
	AttemptRecorder attemptRecorder() {
		return new AttemptRecorder();
	}

	/** Client of the ledger. */
	@ResilientRpc(service = "ledger")
	public interface LedgerClient extends LedgerApi {

	}

	/**
	 * Records the timestamp of every attempt, just inside the retry.
	 */
	public static final class AttemptRecorder implements ClientInterceptor {

		/** Timestamps sent with each attempt. */
		public final List<String> timestampsSeen = Collections.synchronizedList(new ArrayList<>());

		@Override
		public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
			this.timestampsSeen.add(String.valueOf(call.getHeaders().get("Rpc-Timestamp")));
			return chain.proceed(call);
		}

		@Override
		public int getOrder() {
			return InterceptorOrder.Client.RETRY + 1;
		}

	}

}
