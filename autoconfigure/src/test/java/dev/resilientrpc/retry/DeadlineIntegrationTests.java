package dev.resilientrpc.retry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.resilientrpc.it.RawHttp;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcHeaders;
import dev.resilientrpc.retry.Faults.Delay;
import dev.resilientrpc.retry.Faults.Fail;
import dev.resilientrpc.retry.client.RetryClientApplication.DeadlineClient;
import dev.resilientrpc.retry.client.RetryClientApplication.PlainClient;
import dev.resilientrpc.retry.client.RetryClientApplication.TimedClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Deadlines: the client never waits past a call's total deadline, the remaining time
 * travels in {@code Rpc-Timeout}, the server refuses expired work and passes the rest of
 * a deadline on to the calls it makes. The deadline policy: fixed 100ms waits, 10
 * attempts, 350ms in total.
 */
class DeadlineIntegrationTests {

	private final RetryFixture fixture = RetryFixture.get();

	private final VirtualTime time = this.fixture.client(VirtualTime.class);

	@BeforeEach
	void reset() {
		this.time.reset();
	}

	@Test
	void noCallWaitsPastItsTotalDeadline() {
		// warm the connection so that real time counts little against the 350ms
		this.fixture.client(DeadlineClient.class).relay(RpcHeaders.TIMEOUT);
		String id = UUID.randomUUID().toString();
		Faults.script(id, new Fail(RpcErrorCodes.OVERLOADED));
		long start = this.time.nanoTime();
		assertThatExceptionOfType(DeadlineExceededException.class)
			.isThrownBy(() -> this.fixture.client(DeadlineClient.class).read(id))
			.satisfies(
					(ex) -> assertThat(ex.getCause()).isInstanceOf(dev.resilientrpc.client.RpcRemoteException.class));
		long deadline = start + Duration.ofMillis(350).toNanos();
		assertThat(this.time.wakeUps()).as("every wait ends before the deadline")
			.allMatch((wakeUp) -> wakeUp < deadline);
		assertThat(this.time.sleeps()).allMatch((sleep) -> sleep == 100);
		List<Faults.Arrival> arrivals = Faults.arrivals(id);
		assertThat(arrivals).as("the call was retried, and the deadline, not the attempts (10), ended it")
			.hasSizeBetween(2, 4)
			.hasSize(this.time.sleeps().size() + 1);
		List<Long> timeouts = arrivals.stream().map((arrival) -> Long.parseLong(arrival.timeout())).toList();
		assertThat(timeouts.get(0)).isBetween(1L, 350L);
		for (int i = 1; i < timeouts.size(); i++) {
			assertThat(timeouts.get(i)).as("what is left shrinks by at least each wait")
				.isLessThanOrEqualTo(timeouts.get(i - 1) - 100);
		}
	}

	@Test
	void aSlowAttemptIsCutShortAtTheDeadline() {
		String id = UUID.randomUUID().toString();
		Faults.script(id, new Delay(3000));
		long start = System.nanoTime();
		assertThatExceptionOfType(DeadlineExceededException.class)
			.isThrownBy(() -> this.fixture.client(DeadlineClient.class).read(id));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the server's 3s")
			.isLessThan(Duration.ofMillis(2500));
		assertThat(Faults.arrivals(id)).hasSize(1);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void theServerRefusesACallWhoseDeadlineHasPassedBeforeRunningIt() throws Exception {
		String id = UUID.randomUUID().toString();
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		String body = "{\"jsonrpc\":\"2.0\",\"method\":\"faulty.read\",\"params\":[\"" + id + "\"],\"id\":1}";
		for (String timeout : List.of("0", "-5")) {
			HttpResponse<String> response = http.send(request(body, timeout), HttpResponse.BodyHandlers.ofString());
			assertThat(RawHttp.json(response.body()).path("error").path("code").asInt())
				.isEqualTo(RpcErrorCodes.DEADLINE_EXCEEDED);
		}
		assertThat(Faults.arrivals(id)).isEmpty();
		for (String timeout : List.of("5000", "not a number")) {
			HttpResponse<String> response = http.send(request(body, timeout), HttpResponse.BodyHandlers.ofString());
			assertThat(RawHttp.json(response.body()).path("result").asString()).isEqualTo("ok " + id);
		}
		assertThat(Faults.arrivals(id)).hasSize(2);
	}

	private HttpRequest request(String body, String timeout) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.fixture.port() + "/rpc"))
			.header("Content-Type", "application/json")
			.header(RpcHeaders.TIMEOUT, timeout)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	@Test
	void aCallMadeWhileServingACallInheritsWhatIsLeftOfItsDeadline() {
		String inherited = this.fixture.client(DeadlineClient.class).relay(RpcHeaders.TIMEOUT);
		assertThat(inherited).isNotNull();
		assertThat(Long.parseLong(inherited)).isBetween(1L, 350L);
		assertThat(this.fixture.client(PlainClient.class).relay(RpcHeaders.TIMEOUT)).as("no deadline, none inherited")
			.isNull();
	}

	@Test
	void theInterfaceTimeoutOverridesThePolicyTimeout() {
		String inherited = this.fixture.client(TimedClient.class).relay(RpcHeaders.TIMEOUT);
		assertThat(Long.parseLong(inherited)).isBetween(351L, 2000L);
	}

}
