package dev.resilientrpc.checkpoint.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.checkpoint.CheckpointedMap;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A node serving the ledger; run in-process by the tests and as a child JVM by the crash
 * test.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class LedgerApplication {

	/**
	 * Run a ledger node.
	 * @param args Spring Boot arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(LedgerApplication.class, args);
	}

	@Bean
	CheckpointedMap<String, List<String>> ledgerState() {
		return LedgerService.newState();
	}

	@Bean
	LedgerService ledgerService(CheckpointedMap<String, List<String>> ledgerState) {
		return new LedgerService(ledgerState);
	}

	@Bean
	RestoreProbe restoreProbe(ApplicationAvailability availability, Environment environment) {
		return new RestoreProbe(availability, environment);
	}

	/**
	 * A checkpoint without state that records what the application looked like while it
	 * was restored: the readiness state and whether the configured server port accepted
	 * connections.
	 */
	public static final class RestoreProbe implements Checkpointable {

		private final ApplicationAvailability availability;

		private final Environment environment;

		/** Readiness when the restore ran. */
		public volatile @Nullable ReadinessState readinessDuringRestore;

		/** Whether the server port accepted a connection when the restore ran. */
		public volatile @Nullable Boolean portOpenDuringRestore;

		RestoreProbe(ApplicationAvailability availability, Environment environment) {
			this.availability = availability;
			this.environment = environment;
		}

		@Override
		public String getCheckpointName() {
			return "probe";
		}

		@Override
		public Snapshot snapshot() {
			return (out) -> out.write(1);
		}

		@Override
		public void restore(InputStream in) throws IOException {
			in.readAllBytes();
			record();
		}

		private void record() {
			this.readinessDuringRestore = this.availability.getReadinessState();
			int port = this.environment.getProperty("server.port", Integer.class, 0);
			if (port > 0) {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
					this.portOpenDuringRestore = true;
				}
				catch (IOException ex) {
					this.portOpenDuringRestore = false;
				}
			}
		}

	}

}
