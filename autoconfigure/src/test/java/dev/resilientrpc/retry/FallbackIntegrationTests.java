package dev.resilientrpc.retry;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.retry.Faults.Fail;
import dev.resilientrpc.retry.Faults.Ok;
import dev.resilientrpc.retry.client.RetryClientApplication.RecoveringClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fallbacks get the original arguments and the exception, after all attempts.
 */
class FallbackIntegrationTests {

	private final RetryFixture fixture = RetryFixture.get();

	private final RecoveringClient client = this.fixture.client(RecoveringClient.class);

	@Test
	void aDefaultMethodFallbackGetsTheArgumentsAndTheMostSpecificExceptionType() {
		String id = UUID.randomUUID().toString();
		Faults.script(id, new Fail(RpcErrorCodes.STALE));
		assertThat(this.client.call(id)).isEqualTo("recovered " + id + " from -32001");
	}

	@Test
	void aBeanFallbackIsCalledAfterAllAttemptsFailed() {
		String id = UUID.randomUUID().toString();
		Faults.script(id, new Fail(RpcErrorCodes.OVERLOADED));
		assertThat(this.client.read(id)).isEqualTo("bean fallback " + id + ": RpcRemoteException");
		assertThat(Faults.arrivals(id)).as("the default policy's 3 attempts").hasSize(3);
	}

	@Test
	void aSuccessfulCallDoesNotFallBack() {
		String id = UUID.randomUUID().toString();
		Faults.script(id, new Ok());
		assertThat(this.client.call(id)).isEqualTo("ok " + id);
	}

}
