package dev.resilientrpc.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.client.RpcException;
import dev.resilientrpc.it.secure.SecureClientApplication;
import dev.resilientrpc.it.secure.SecureClientApplication.SecureCalculatorClient;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.it.server.TestServerApplication.CalculatorServer;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.SerializedResult;
import dev.resilientrpc.server.TestServerCalls;
import dev.resilientrpc.slot.Forwarder;
import dev.resilientrpc.test.tls.TestCertificates;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * TLS through Spring Boot SSL bundles, with certificates made at test time: the server
 * with Boot's own {@code server.ssl.bundle}, clients with
 * {@code resilient-rpc.client.services.<name>.ssl.bundle}, mutual TLS with
 * {@code server.ssl.client-auth=need}, and forwarding between nodes with a bundle's
 * context.
 */
class TlsTests {

	private static TestCertificates certificates;

	private static ConfigurableApplicationContext tlsServer;

	private static ConfigurableApplicationContext mutualTlsServer;

	private static final List<ConfigurableApplicationContext> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		certificates = TestCertificates.generate();
		tlsServer = server();
		mutualTlsServer = server("server.ssl.client-auth=need");
	}

	@AfterAll
	static void stop() {
		clients.forEach(ConfigurableApplicationContext::close);
		tlsServer.close();
		mutualTlsServer.close();
	}

	private static ConfigurableApplicationContext server(String... extra) {
		List<String> properties = new ArrayList<>(certificates.bundleProperties());
		properties.addAll(List.of("server.port=0", "server.ssl.bundle=node", "resilient-rpc.client.enabled=false"));
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(TestServerApplication.class).properties(properties.toArray(String[]::new))
			.run();
	}

	private static SecureCalculatorClient client(ConfigurableApplicationContext server, String scheme,
			String... extra) {
		List<String> properties = new ArrayList<>(certificates.bundleProperties());
		properties
			.add("resilient-rpc.client.services.calc.instances=" + scheme + "://localhost:" + TestPorts.portOf(server));
		properties.add("resilient-rpc.retry.enabled=false");
		properties.addAll(List.of(extra));
		ConfigurableApplicationContext client = new SpringApplicationBuilder(SecureClientApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
		clients.add(client);
		return client.getBean(SecureCalculatorClient.class);
	}

	@Test
	void callRoundTripsOverTls() {
		SecureCalculatorClient calculator = client(tlsServer, "https",
				"resilient-rpc.client.services.calc.ssl.bundle=trust");
		assertThat(calculator.add(40, 2)).isEqualTo(42);
		assertThat(calculator.echo("über TLS")).isEqualTo("über TLS");
	}

	@Test
	void plainTextCallToTheTlsPortIsRefused() {
		RawHttp.Answer answer = new RawHttp(URI.create("http://127.0.0.1:" + TestPorts.portOf(tlsServer) + "/rpc"))
			.post("{\"jsonrpc\":\"2.0\",\"method\":\"calc.add\",\"params\":[1,2],\"id\":1}");
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.body()).doesNotContain("result");
	}

	@Test
	void clientThatDoesNotTrustTheServerCertificateFails() {
		// no bundle: the JDK's default trust store, which does not hold the test CA
		SecureCalculatorClient calculator = client(tlsServer, "https");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> calculator.add(1, 2))
			.withMessageContaining("PKIX");
	}

	@Test
	void mutualTlsServesClientWithCertificate() {
		SecureCalculatorClient calculator = client(mutualTlsServer, "https",
				"resilient-rpc.client.services.calc.ssl.bundle=client");
		assertThat(calculator.add(40, 2)).isEqualTo(42);
	}

	@Test
	void mutualTlsRefusesClientWithoutCertificate() throws Exception {
		SecureCalculatorClient calculator = client(mutualTlsServer, "https",
				"resilient-rpc.client.services.calc.ssl.bundle=trust");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> calculator.add(1, 2));
		// and a plain JDK client that trusts the server but has no certificate
		SSLContext trustOnly = tlsServer.getBean(SslBundles.class).getBundle("trust").createSslContext();
		HttpClient http = HttpClient.newBuilder().sslContext(trustOnly).version(HttpClient.Version.HTTP_1_1).build();
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("https://localhost:" + TestPorts.portOf(mutualTlsServer) + "/rpc"))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"calc.add\",\"params\":[1,2],\"id\":1}"))
			.build();
		assertThatIOException().isThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()));
	}

	@Test
	void httpInstanceOfServiceWithBundleFailsTheStartupNamingTheProperty() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> client(tlsServer, "http", "resilient-rpc.client.services.calc.ssl.bundle=trust"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage())
				.contains("resilient-rpc.client.services.calc.instances[0]")
				.contains("must be an https URI"));
	}

	@Test
	void unknownBundleFailsTheStartupNamingTheProperty() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> client(tlsServer, "https", "resilient-rpc.client.services.calc.ssl.bundle=nope"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage())
				.contains("resilient-rpc.client.services.calc.ssl.bundle")
				.contains("no SSL bundle of that name"));
	}

	@Test
	void forwarderCallsTheOwnerOverMutualTlsWithTheBundle() {
		SslBundles bundles = tlsServer.getBean(SslBundles.class);
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("calculator", new CalculatorServer()));
		String owner = "https://localhost:" + TestPorts.portOf(mutualTlsServer) + "/rpc";
		Map<String, String> headers = Map.of(RpcHeaders.IDEMPOTENCY_KEY, "forwarded-1");
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Forwarder withCertificate = new Forwarder(JsonMapper.builder().build(), "node-a", Duration.ofSeconds(2),
				Duration.ofMillis(100), bundles.getBundle("client").createSslContext(), null);
		Object result = withCertificate.forward(TestServerCalls.of(registry, "calc.add", headers, 40, 2), owner,
				deadline);
		assertThat(new String(((SerializedResult) result).json())).isEqualTo("42");
		Forwarder withoutCertificate = new Forwarder(JsonMapper.builder().build(), "node-a", Duration.ofSeconds(2),
				Duration.ofMillis(100), bundles.getBundle("trust").createSslContext(), null);
		assertThatExceptionOfType(RpcErrorException.class)
			.isThrownBy(() -> withoutCertificate.forward(TestServerCalls.of(registry, "calc.add", headers, 1, 2), owner,
					deadline))
			.satisfies((ex) -> assertThat(ex.getCode()).isIn(RpcErrorCodes.OVERLOADED, RpcErrorCodes.OUTCOME_UNKNOWN));
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

}
