package dev.resilientrpc.it;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.autoconfigure.client.RpcRestClientCustomizer;
import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.it.secure.SecureClientApplication;
import dev.resilientrpc.it.secure.SecureClientApplication.SecureCalculatorClient;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.protocol.RpcErrorCodes;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.support.BasicAuthenticationInterceptor;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With Spring Security, the JSON-RPC endpoint is an ordinary path of the application's
 * filter chain (here HTTP Basic and a role), and a client sends credentials per service
 * through an {@link RpcRestClientCustomizer}.
 */
class SecuredEndpointTests {

	private static ConfigurableApplicationContext server;

	private static final List<ConfigurableApplicationContext> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		// Boot's own security auto-configuration, which the other tests leave out
		server = new SpringApplicationBuilder(TestServerApplication.class, RpcSecurity.class, AdminServer.class)
			.properties("server.port=0", "resilient-rpc.client.enabled=false")
			.run("--spring.autoconfigure.exclude=");
	}

	@AfterAll
	static void stop() {
		clients.forEach(ConfigurableApplicationContext::close);
		server.close();
	}

	private static RawHttp.Answer post(String authorization) {
		return post("calc.add", "[1,2]", authorization);
	}

	private static RawHttp.Answer post(String method, String params, String authorization) {
		RawHttp http = new RawHttp(URI.create("http://127.0.0.1:" + TestPorts.portOf(server) + "/rpc"));
		return http.post("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}",
				authorization);
	}

	private static SecureCalculatorClient client(Class<?>... configurations) {
		List<Class<?>> sources = new ArrayList<>(List.of(SecureClientApplication.class));
		sources.addAll(List.of(configurations));
		ConfigurableApplicationContext client = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
			.web(WebApplicationType.NONE)
			.properties("resilient-rpc.client.services.calc.instances=http://127.0.0.1:" + TestPorts.portOf(server),
					"resilient-rpc.retry.enabled=false")
			.run();
		clients.add(client);
		return client.getBean(SecureCalculatorClient.class);
	}

	@Test
	void anonymousCallIsRefused() {
		RawHttp.Answer answer = post(null);
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.body()).doesNotContain("result");
	}

	@Test
	void wrongPasswordIsRefused() {
		assertThat(post(basic("caller", "guess")).status()).isEqualTo(401);
	}

	@Test
	void authenticatedUserWithoutTheRoleIsForbidden() {
		assertThat(post(basic("guest", "guest-password")).status()).isEqualTo(403);
	}

	@Test
	void authenticatedCallIsServed() {
		RawHttp.Answer answer = post(basic("caller", "caller-password"));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().get("result").asInt()).isEqualTo(3);
	}

	@Test
	void clientSendsCredentialsThroughARestClientCustomizer() {
		assertThat(client(CallerCredentials.class).add(40, 2)).isEqualTo(42);
	}

	@Test
	void clientWithoutCredentialsIsRefused() {
		SecureCalculatorClient calculator = client();
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> calculator.add(1, 2))
			.withMessageContaining("HTTP 401");
	}

	@Test
	void methodLevelRuleRefusesCallerWithoutTheRoleBeforeTheMethodRuns() {
		int before = AdminServer.resets.get();
		RawHttp.Answer answer = post("admin.reset", "[]", basic("caller", "caller-password"));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.errorCode()).isEqualTo(RpcErrorCodes.APPLICATION_ERROR);
		assertThat(answer.json().get("error").get("data").get("exception").asString())
			.isEqualTo(AuthorizationDeniedException.class.getName());
		assertThat(answer.body()).doesNotContain("\tat ");
		assertThat(AdminServer.resets.get()).isEqualTo(before);
	}

	@Test
	void methodLevelRuleServesCallerWithTheRole() {
		RawHttp.Answer answer = post("admin.reset", "[]", basic("admin", "admin-password"));
		assertThat(answer.json().get("result").asInt()).isPositive();
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The application's security: the endpoint needs HTTP Basic and the role RPC.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity
	static class RpcSecurity {

		@Bean
		SecurityFilterChain rpcSecurityFilterChain(HttpSecurity http) {
			http.authorizeHttpRequests(
					(requests) -> requests.requestMatchers("/rpc").hasRole("RPC").anyRequest().denyAll())
				.httpBasic(Customizer.withDefaults())
				// calls carry no CSRF token: they are not made by a browser holding a
				// session
				.csrf((csrf) -> csrf.ignoringRequestMatchers("/rpc"));
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager rpcUsers() {
			return new InMemoryUserDetailsManager(
					User.withUsername("caller").password("{noop}caller-password").roles("RPC").build(),
					User.withUsername("guest").password("{noop}guest-password").roles("GUEST").build(),
					User.withUsername("admin").password("{noop}admin-password").roles("RPC", "ADMIN").build());
		}

	}

	/**
	 * Credentials of the calls to the calculator service.
	 */
	@Configuration(proxyBeanMethods = false)
	static class CallerCredentials {

		@Bean
		RpcRestClientCustomizer calculatorCredentials() {
			return (service, builder) -> {
				if (service.equals("calc")) {
					builder.requestInterceptor(new BasicAuthenticationInterceptor("caller", "caller-password"));
				}
			};
		}

	}

	/**
	 * An API with a method only admins may call.
	 */
	public interface AdminApi {

		int reset();

	}

	/**
	 * Exports {@link AdminApi} with a method-level rule.
	 */
	@RpcService("admin")
	public static class AdminServer implements AdminApi {

		static final AtomicInteger resets = new AtomicInteger();

		@Override
		@PreAuthorize("hasRole('ADMIN')")
		public int reset() {
			return resets.incrementAndGet();
		}

	}

}
