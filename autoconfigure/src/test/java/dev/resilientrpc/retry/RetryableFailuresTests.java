package dev.resilientrpc.retry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.client.NoAvailableInstanceException;
import dev.resilientrpc.client.RpcApplicationException;
import dev.resilientrpc.client.RpcConnectException;
import dev.resilientrpc.client.RpcProtocolException;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTimeoutException;
import dev.resilientrpc.client.RpcTransportException;
import dev.resilientrpc.protocol.RpcErrorCodes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures {@link RetryableFailures} retries, and why.
 */
class RetryableFailuresTests {

	private static final URI ENDPOINT = URI.create("http://127.0.0.1:1/rpc");

	private static RetryReason reasonOf(Throwable failure) {
		return RetryableFailures.reasonOf(failure, Set.of("com.example.Busy"));
	}

	private static RpcRemoteException remote(int code) {
		return new RpcRemoteException("svc.m", code, "error", null, null);
	}

	@Test
	void failuresBeforeTheServerAreRetriedWhateverTheCall() {
		assertThat(reasonOf(new RpcConnectException(ENDPOINT, new ConnectException()))).isEqualTo(RetryReason.CONNECT);
		assertThat(RetryReason.CONNECT.requiresSafeToRepeat()).isFalse();
		assertThat(RetryReason.CIRCUIT_OPEN.requiresSafeToRepeat()).isFalse();
		assertThat(RetryReason.CIRCUIT_OPEN.chargesBudget()).isFalse();
		assertThat(RetryReason.CONNECT.chargesBudget()).isFalse();
		assertThat(RetryReason.TRANSPORT.chargesBudget()).isTrue();
		assertThat(RetryReason.CONNECT.needsBudget()).isFalse();
		assertThat(RetryReason.CIRCUIT_OPEN.needsBudget()).isTrue();
	}

	@Test
	void failuresAfterTheRequestMayHaveRunNeedACallThatIsSafeToRepeatButASheddedOneDoesNot() {
		assertThat(reasonOf(new RpcTimeoutException(ENDPOINT, new IOException()))).isEqualTo(RetryReason.TIMEOUT);
		assertThat(reasonOf(new RpcTransportException("HTTP 502", ENDPOINT, null))).isEqualTo(RetryReason.TRANSPORT);
		assertThat(reasonOf(remote(RpcErrorCodes.OVERLOADED))).isEqualTo(RetryReason.OVERLOADED);
		assertThat(reasonOf(remote(RpcErrorCodes.DUPLICATE_IN_FLIGHT))).isEqualTo(RetryReason.DUPLICATE_IN_FLIGHT);
		for (RetryReason reason : new RetryReason[] { RetryReason.TIMEOUT, RetryReason.TRANSPORT,
				RetryReason.DUPLICATE_IN_FLIGHT }) {
			assertThat(reason.requiresSafeToRepeat()).as(reason.name()).isTrue();
		}
		assertThat(RetryReason.OVERLOADED.requiresSafeToRepeat()).as("-32002 promises the call did not run").isFalse();
	}

	@Test
	void codesMarkedNonRetryableAndClientSideFailuresAreNeverRetried() {
		for (int code : new int[] { RpcErrorCodes.STALE, RpcErrorCodes.DEADLINE_EXCEEDED,
				RpcErrorCodes.IDEMPOTENCY_KEY_REUSED, RpcErrorCodes.CLOCK_SKEW, RpcErrorCodes.PARSE_ERROR,
				RpcErrorCodes.INVALID_REQUEST, RpcErrorCodes.METHOD_NOT_FOUND, RpcErrorCodes.INVALID_PARAMS,
				RpcErrorCodes.INTERNAL_ERROR }) {
			assertThat(reasonOf(remote(code))).as("code %d", code).isNull();
		}
		assertThat(reasonOf(new RpcProtocolException("bad id", null))).isNull();
		assertThat(reasonOf(new NoAvailableInstanceException("svc"))).isNull();
		assertThat(reasonOf(new DeadlineExceededException("svc.m", null, 1, null))).isNull();
		assertThat(reasonOf(new IllegalStateException())).isNull();
	}

	@Test
	void applicationExceptionsAreRetriedOnlyWhenListed() {
		JsonMapper mapper = JsonMapper.builder().build();
		assertThat(reasonOf(
				new RpcApplicationException("svc.m", "error", mapper.readTree("{\"exception\":\"com.example.Busy\"}"))))
			.isEqualTo(RetryReason.APPLICATION);
		assertThat(reasonOf(new RpcApplicationException("svc.m", "error",
				mapper.readTree("{\"exception\":\"java.lang.IllegalStateException\"}"))))
			.isNull();
		assertThat(reasonOf(new RpcApplicationException("svc.m", "error", null))).isNull();
	}

}
