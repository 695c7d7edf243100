package dev.resilientrpc.it;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.client.RpcApplicationException;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTimeoutException;
import dev.resilientrpc.it.CalculatorApi.Point;
import dev.resilientrpc.it.client.TestClientApplication;
import dev.resilientrpc.it.client.TestClientApplication.CalculatorClient;
import dev.resilientrpc.it.client.TestClientApplication.DownServiceClient;
import dev.resilientrpc.it.client.TestClientApplication.MissingServiceClient;
import dev.resilientrpc.it.server.TestServerApplication;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Client proxies calling a server over real HTTP on loopback, each in its own Spring
 * context.
 */
class RoundTripTests {

	private static ConfigurableApplicationContext server;

	private static ConfigurableApplicationContext client;

	private static CalculatorClient calculator;

	@BeforeAll
	static void start() {
		server = new SpringApplicationBuilder(TestServerApplication.class)
			.properties("server.port=0", "resilient-rpc.client.enabled=false")
			.run();
		int port = TestPorts.portOf(server);
		client = new SpringApplicationBuilder(TestClientApplication.class).web(WebApplicationType.NONE)
			.properties("resilient-rpc.client.read-timeout=500ms",
					"resilient-rpc.client.services.calc.instances=http://127.0.0.1:" + port,
					"resilient-rpc.client.services.missing.instances=http://127.0.0.1:" + port,
					"resilient-rpc.client.services.down.instances=http://127.0.0.1:" + TestPorts.closedPort())
			.run();
		calculator = client.getBean(CalculatorClient.class);
	}

	@AfterAll
	static void stop() {
		client.close();
		server.close();
	}

	@Test
	void primitivesRoundTrip() {
		assertThat(calculator.add(40, 2)).isEqualTo(42);
		assertThat(calculator.add(Integer.MAX_VALUE, 1)).isEqualTo(Integer.MIN_VALUE);
		assertThat(calculator.divide(1, 3)).isEqualTo(1.0 / 3);
		assertThat(calculator.negate(true)).isFalse();
	}

	@Test
	void recordsRoundTrip() {
		assertThat(calculator.mirror(new Point(1, 2))).isEqualTo(new Point(2, 1));
	}

	@Test
	void genericTypesRoundTrip() {
		assertThat(calculator.line(3)).containsExactly(new Point(0, 0), new Point(1, 1), new Point(2, 2));
		assertThat(calculator.line(2).get(0)).isInstanceOf(Point.class);
		Map<String, List<Integer>> groups = calculator.groupByParity(List.of(1, 2, 3, 4, 5));
		assertThat(groups).containsExactly(Map.entry("odd", List.of(1, 3, 5)), Map.entry("even", List.of(2, 4)));
		assertThat(calculator.find("app")).contains("apple");
		assertThat(calculator.find("zzz")).isEqualTo(Optional.empty());
	}

	@Test
	void nullRoundTrips() {
		assertThat(calculator.echo(null)).isNull();
		assertThat(calculator.echo("x")).isEqualTo("x");
	}

	@Test
	void defaultMethodRunsLocallyAndCallsRemote() {
		assertThat(calculator.describe(1, 2)).isEqualTo("1 + 2 = 3");
		assertThat(calculator.toString()).contains(CalculatorClient.class.getName()).contains("calc");
		assertThat(calculator).isEqualTo(calculator).isNotEqualTo(client.getBean(MissingServiceClient.class));
	}

	@Test
	void applicationExceptionCarriesRemoteClassAndMessage() {
		assertThatExceptionOfType(RpcApplicationException.class).isThrownBy(() -> calculator.fail("boom"))
			.satisfies((ex) -> {
				assertThat(ex.getCode()).isEqualTo(RpcErrorCodes.APPLICATION_ERROR);
				assertThat(ex.getRemoteExceptionType()).isEqualTo(IllegalStateException.class.getName());
				assertThat(ex.getRemoteMessage()).isEqualTo("boom");
				assertThat(ex.isRetryable()).isFalse();
				assertThat(ex.getData().toString()).doesNotContain("\tat ").doesNotContain("TestServerApplication");
			});
	}

	@Test
	void slowCallTimesOut() {
		assertThatExceptionOfType(RpcTimeoutException.class).isThrownBy(() -> calculator.sleep(3000))
			.satisfies((ex) -> {
				assertThat(ex.isRetryable()).isFalse();
				assertThat(ex.mayHaveBeenSent()).isTrue();
			});
		assertThat(calculator.sleep(1)).isEqualTo(1);
	}

	@Test
	void unknownServiceIsMethodNotFound() {
		MissingServiceClient missing = client.getBean(MissingServiceClient.class);
		assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(missing::hello).satisfies((ex) -> {
			assertThat(ex.getCode()).isEqualTo(RpcErrorCodes.METHOD_NOT_FOUND);
			assertThat(ex.getMethod()).isEqualTo("missing.hello");
			assertThat(ex.isRetryable()).isFalse();
		});
	}

	@Test
	void serverDownIsRetryableConnectFailure() {
		DownServiceClient down = client.getBean(DownServiceClient.class);
		assertThatExceptionOfType(RpcConnectException.class).isThrownBy(down::hello).satisfies((ex) -> {
			assertThat(ex.isRetryable()).isTrue();
			assertThat(ex.mayHaveBeenSent()).isFalse();
		});
	}

	@Test
	void proxySendsIdempotencyKeyAndAttempt() {
		assertThat(calculator.add(1, 1)).isEqualTo(2);
		String first = calculator.header(RpcHeaders.IDEMPOTENCY_KEY);
		String second = calculator.header(RpcHeaders.IDEMPOTENCY_KEY);
		assertThat(UUID.fromString(first).version()).as("a random (version 4) UUID").isEqualTo(4);
		assertThat(first).isNotEqualTo(second);
		assertThat(calculator.header(RpcHeaders.ATTEMPT)).isEqualTo("1");
	}

}
