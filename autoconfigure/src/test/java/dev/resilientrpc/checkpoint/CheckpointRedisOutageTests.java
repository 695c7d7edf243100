package dev.resilientrpc.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientrpc.autoconfigure.checkpoint.CheckpointHealthIndicator;
import dev.resilientrpc.checkpoint.ledger.LedgerApplication;
import dev.resilientrpc.it.TestPorts;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.test.redis.RedisServerExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops in the middle of a checkpoint: the checkpoint fails, health goes down,
 * reads are still served, and once Redis is back the retried checkpoint succeeds.
 */
class CheckpointRedisOutageTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create().withArgs("--appendonly", "yes");

	private @Nullable ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext started = new SpringApplicationBuilder(LedgerApplication.class,
				PausingStateConfiguration.class)
			.properties("server.port=0", "spring.data.redis.host=" + redis.server().host(),
					"spring.data.redis.port=" + redis.server().port(), "spring.data.redis.timeout=500ms",
					"resilient-rpc.client.enabled=false", "resilient-rpc.checkpoint.node-id=outage",
					"resilient-rpc.checkpoint.interval=1h", "resilient-rpc.checkpoint.retry-backoff=100ms",
					"resilient-rpc.checkpoint.log-timeout=300ms", "resilient-rpc.checkpoint.failure-threshold=1")
			.run();
		this.context = started;
		return started;
	}

	@Test
	void aCheckpointInterruptedByRedisStoppingIsRetriedOnceRedisIsBack() throws Exception {
		ConfigurableApplicationContext node = start();
		LedgerClient client = new LedgerClient(TestPorts.portOf(node));
		CheckpointManager manager = node.getBean(CheckpointManager.class);
		CheckpointHealthIndicator health = node.getBean(CheckpointHealthIndicator.class);
		PausingState state = node.getBean(PausingState.class);
		assertThat(client.append("a", "1", "k1").has("result")).isTrue();
		state.pause = new CountDownLatch(1);
		CompletableFuture<CheckpointStatus> checkpoint = CompletableFuture
			.supplyAsync(() -> manager.checkpoint("paused"));
		assertThat(state.writing.await(10, TimeUnit.SECONDS)).isTrue();
		redis.server().stop();
		state.pause.countDown();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> checkpoint.get(30, TimeUnit.SECONDS))
			.withCauseInstanceOf(CheckpointException.class);
		assertThat(manager.getStatus("paused").consecutiveFailures()).isPositive();
		assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(client.entries("a")).containsExactly("1");
		// the append may sit in the Redis client until it reconnects: its outcome is
		// unknown
		assertThat(client.append("maybe", "1", "k2").get("error").get("code").asInt())
			.isEqualTo(RpcErrorCodes.OUTCOME_UNKNOWN);
		redis.server().start();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(manager.getStatus("paused").consecutiveFailures()).isZero());
		assertThat(manager.getStatus("paused").checkpoints()).isPositive();
		await().atMost(Duration.ofSeconds(30)).until(() -> client.append("a", "2", "k3").has("result"));
		// its retry learns the outcome: applied from the log if it got there, else run
		// now; once either way
		assertThat(client.append("maybe", "1", "k2").has("result")).isTrue();
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		node.close();
		ConfigurableApplicationContext restarted = start();
		LedgerClient recovered = new LedgerClient(TestPorts.portOf(restarted));
		assertThat(recovered.entries("a")).containsExactly("1", "2");
		assertThat(recovered.entries("maybe")).containsExactly("1");
	}

	@Configuration(proxyBeanMethods = false)
	static class PausingStateConfiguration {

		@Bean
		PausingState pausingState() {
			return new PausingState();
		}

	}

	/**
	 * A state whose snapshot waits, when asked to, in the middle of being written.
	 */
	static class PausingState implements Checkpointable {

		volatile @Nullable CountDownLatch pause;

		final CountDownLatch writing = new CountDownLatch(1);

		@Override
		public String getCheckpointName() {
			return "paused";
		}

		@Override
		public Snapshot snapshot() {
			CountDownLatch latch = this.pause;
			return (out) -> {
				out.write(new byte[64 * 1024]);
				this.writing.countDown();
				if (latch != null) {
					try {
						latch.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				out.write(new byte[2 * 1024 * 1024]);
			};
		}

		@Override
		public void restore(InputStream in) throws IOException {
			in.readAllBytes();
		}

	}

}
