package dev.resilientrpc.retry.server;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.retry.FaultyApi;
import dev.resilientrpc.retry.Faults;
import dev.resilientrpc.retry.Faults.Arrival;
import dev.resilientrpc.server.ServerCall;
import dev.resilientrpc.server.ServerInterceptor;
import dev.resilientrpc.server.ServerInterceptorChain;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The fault-injecting server: runs the {@link Faults} scripts before the call runs (as a
 * server that sheds load does, so the server's idempotency records keep none of it),
 * answers every request sent to host {@value #BROKEN_HOST} with HTTP 502 and no JSON-RPC
 * body, and can call itself through {@link SelfClient}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class FaultServerApplication {

	/** Requests to this host get HTTP 502. */
	public static final String BROKEN_HOST = "127.0.0.3";

	private static final ThreadLocal<ServerCall> current = new ThreadLocal<>();

	@Bean
	FaultyServer faultyServer(SelfClient self) {
		return new FaultyServer(self);
	}

	@Bean
	ClusterServer clusterServer(SelfClient self) {
		return new ClusterServer(self);
	}

	@Bean
	DedupServer dedupServer(SelfClient self) {
		return new DedupServer(self);
	}

	@Bean
	OutageServer outageServer(SelfClient self) {
		return new OutageServer(self);
	}

	@Bean
	ServerInterceptor currentCall() {
		return new ServerInterceptor() {

			@Override
			public @Nullable Object intercept(ServerCall call, ServerInterceptorChain chain) throws Exception {
				current.set(call);
				try {
					String method = call.getMethod().getMethod().getName();
					if (method.equals("call") || method.equals("read")) {
						// the scripted step: a failure here is one before the call ran,
						// as a shed is
						Faults.run(String.valueOf(call.getArguments()[0]), FaultyServer.arrival());
					}
					return chain.proceed(call);
				}
				finally {
					current.remove();
				}
			}

			@Override
			public int getOrder() {
				// after the deadline check, before the server's idempotency records
				return InterceptorOrder.Server.DEADLINE + 10;
			}

		};
	}

	@Bean
	FilterRegistrationBean<Filter> brokenHost() {
		Filter filter = (request, response, chain) -> {
			if (BROKEN_HOST.equals(request.getServerName())) {
				Faults.rejected(BROKEN_HOST);
				HttpServletResponse http = (HttpServletResponse) response;
				http.setStatus(502);
				http.setContentType("text/plain");
				http.getWriter().write("bad gateway");
				return;
			}
			chain.doFilter(request, response);
		};
		FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
		registration.addUrlPatterns("/rpc");
		return registration;
	}

	/** The server calling itself. */
	@ResilientRpc(service = "faulty")
	public interface SelfClient {

		@Nullable String header(String name);

	}

	/**
	 * The scripted service.
	 */
	@RpcService("faulty")
	public static class FaultyServer implements FaultyApi {

		private final SelfClient self;

		FaultyServer(SelfClient self) {
			this.self = self;
		}

		@Override
		public String call(String id) {
			return "ok " + id;
		}

		@Override
		public String read(String id) {
			return "ok " + id;
		}

		@Override
		public @Nullable String relay(String header) {
			return this.self.header(header);
		}

		@Override
		public @Nullable String header(String name) {
			return current.get().getHeader(name);
		}

		static Arrival arrival() {
			ServerCall call = current.get();
			String host = String.valueOf(call.getHeader("Host"));
			int colon = host.lastIndexOf(':');
			return new Arrival(call.getHeader(RpcHeaders.ATTEMPT), call.getHeader(RpcHeaders.IDEMPOTENCY_KEY),
					call.getHeader(RpcHeaders.TIMEOUT), (colon > 0) ? host.substring(0, colon) : host);
		}

	}

	/** The same, exported as the service of three instances. */
	@RpcService("cluster")
	public static class ClusterServer extends FaultyServer {

		ClusterServer(SelfClient self) {
			super(self);
		}

	}

	/** The same, exported as a service that deduplicates calls. */
	@RpcService("dedup")
	public static class DedupServer extends FaultyServer {

		DedupServer(SelfClient self) {
			super(self);
		}

	}

	/** The same, exported as a service whose calls all fail. */
	@RpcService("outage")
	public static class OutageServer extends FaultyServer {

		OutageServer(SelfClient self) {
			super(self);
		}

	}

}
