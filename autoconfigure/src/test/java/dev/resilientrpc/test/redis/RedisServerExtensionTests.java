package dev.resilientrpc.test.redis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link RedisServerExtension}, {@link RedisProcess} and {@link RedisBinary},
 * against real {@code redis-server} processes and a real Lettuce client.
 */
class RedisServerExtensionTests {

	private static final String[] AOF = { "--appendonly", "yes", "--appendfsync", "always" };

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.create().servers(2);

	private static ClientResources clientResources;

	private static long firstServerPid;

	@BeforeAll
	static void createClientResources() {
		clientResources = DefaultClientResources.create();
		firstServerPid = redis.server().pid();
	}

	@AfterAll
	static void shutdownClientResources() {
		clientResources.shutdown(0, 2, TimeUnit.SECONDS);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(RedisBinary.class)
	void startStoresDataAndStopClosesThePort(RedisBinary binary) {
		assumeAvailable(binary);
		try (RedisProcess server = RedisProcess.create(binary)) {
			server.start();
			int port = server.port();
			assertThat(server.isRunning()).isTrue();
			assertThat(port).isPositive().isNotEqualTo(6379);
			assertThat(server.host()).isEqualTo("127.0.0.1");
			assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + port);
			String info = withCommands(server, (commands) -> {
				assertThat(commands.set("greeting", "hello " + binary)).isEqualTo("OK");
				assertThat(commands.get("greeting")).isEqualTo("hello " + binary);
				return commands.info("server");
			});
			assertThat(info).contains("redis_version:" + binary.version() + "\r\n")
				.contains("process_id:" + server.pid() + "\r\n")
				.contains("tcp_port:" + port + "\r\n");
			server.stop();
			assertThat(server.isRunning()).isFalse();
			assertRefusesConnections(port);
			assertThat(server.logFile()).content().contains("Redis is now ready to exit");
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(RedisBinary.class)
	void dataWrittenWithAofSurvivesRestartOnTheSamePort(RedisBinary binary) {
		assumeAvailable(binary);
		try (RedisProcess server = RedisProcess.create(binary, AOF)) {
			server.start();
			int port = server.port();
			withCommands(server, (commands) -> {
				assertThat(commands.configGet("appendonly")).containsEntry("appendonly", "yes");
				assertThat(commands.configGet("appendfsync")).containsEntry("appendfsync", "always");
				return commands.set("durable", "value-1");
			});
			server.stop();
			assertRefusesConnections(port);
			server.start();
			assertThat(server.port()).isEqualTo(port);
			assertThat(get(server, "durable")).isEqualTo("value-1");
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(RedisBinary.class)
	void dataWithoutPersistenceIsLostOnRestart(RedisBinary binary) {
		assumeAvailable(binary);
		try (RedisProcess server = RedisProcess.create(binary)) {
			server.start();
			withCommands(server, (commands) -> commands.set("volatile", "value"));
			server.stop();
			server.start();
			assertThat(dbsize(server)).isZero();
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(RedisBinary.class)
	void killThenStartRecoversOnTheSamePort(RedisBinary binary) throws IOException {
		assumeAvailable(binary);
		try (RedisProcess server = RedisProcess.create(binary, AOF)) {
			server.start();
			int port = server.port();
			long pid = server.pid();
			withCommands(server, (commands) -> commands.set("before-crash", "kept"));
			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
			assertRefusesConnections(port);
			// SIGKILL gives redis-server no chance to log its shutdown
			assertThat(Files.readString(server.logFile())).doesNotContain("ready to exit");
			server.start();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.pid()).isNotEqualTo(pid);
			assertThat(get(server, "before-crash")).isEqualTo("kept");
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(RedisBinary.class)
	void severalServersAreIndependent(RedisBinary binary) {
		assumeAvailable(binary);
		RedisServerExtension extension = RedisServerExtension.create().withBinary(binary).servers(2);
		extension.start();
		RedisProcess first = extension.server(0);
		RedisProcess second = extension.server(1);
		try {
			assertThat(extension.servers()).containsExactly(first, second);
			assertThat(extension.server()).isSameAs(first);
			assertThat(first.binary()).isEqualTo(binary);
			assertThat(first.port()).isNotEqualTo(second.port());
			assertThat(first.dataDir()).isNotEqualTo(second.dataDir());
			withCommands(first, (commands) -> commands.set("owner", "first"));
			withCommands(second, (commands) -> commands.set("owner", "second"));
			assertThat(get(first, "owner")).isEqualTo("first");
			assertThat(get(second, "owner")).isEqualTo("second");
			assertThat(dbsize(first)).isOne();
			assertThat(dbsize(second)).isOne();
		}
		finally {
			extension.stop();
		}
		assertThat(first.isRunning()).isFalse();
		assertThat(second.isRunning()).isFalse();
		assertRefusesConnections(first.port());
		assertRefusesConnections(second.port());
		assertThat(first.dataDir()).doesNotExist();
		assertThatIllegalStateException().isThrownBy(extension::server);
	}

	@Test
	void registeredExtensionStartsServersBeforeAllTests() {
		assertThat(redis.servers()).hasSize(2).allSatisfy((server) -> assertThat(server.isRunning()).isTrue());
		assertThat(redis.binary()).isEqualTo(RedisBinary.preferred());
		int port = redis.server().port();
		assertThat(redis.springProperties())
			.isEqualTo(Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", String.valueOf(port)));
		assertThat(redis.springPropertyValues()).containsExactly("spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + port);
		assertThat(ping(redis.server(1))).isEqualTo("PONG");
		assertThatIllegalStateException().isThrownBy(() -> redis.withArgs("--maxmemory", "1mb"));
	}

	@Test
	void startFailureReportsTheLogTail() {
		try (RedisProcess server = RedisProcess.create(RedisBinary.preferred(), "--no-such-directive", "x")) {
			assertThatIllegalStateException().isThrownBy(server::start)
				.withMessageContaining("redis-server exited with code 1")
				.withMessageContaining("no-such-directive")
				.withMessageContaining("Bad directive");
			assertThat(server.isRunning()).isFalse();
		}
	}

	@Test
	void restartFailsWhenThePortWasTakenMeanwhile() throws IOException {
		try (RedisProcess server = RedisProcess.create()) {
			server.start();
			int port = server.port();
			server.stop();
			try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
				assertThatIllegalStateException().isThrownBy(server::start)
					.withMessageContaining("port " + port)
					.withMessageContaining("Address already in use");
			}
			assertThat(server.isRunning()).isFalse();
			server.start();
			assertThat(server.port()).isEqualTo(port);
		}
	}

	@Test
	void redisOlderThanSixTwoIsNotSupported() {
		assertThat(RedisBinary.isSupported("6.2.0")).isTrue();
		assertThat(RedisBinary.isSupported("6.2.11")).isTrue();
		assertThat(RedisBinary.isSupported("7.0.15")).isTrue();
		assertThat(RedisBinary.isSupported("10.0")).isTrue();
		assertThat(RedisBinary.isSupported("6.0.16")).isFalse();
		assertThat(RedisBinary.isSupported("5.0.14")).isFalse();
		assertThat(RedisBinary.isSupported("6")).isFalse();
		assertThat(RedisBinary.isSupported("unknown")).isFalse();
	}

	@Test
	void managedArgumentsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisProcess.create("--port", "6379"));
	}

	@Test
	void systemPropertyOverridesTheBinary() {
		assertThat(RedisBinary.preferred("embedded")).isEqualTo(RedisBinary.EMBEDDED);
		assertThat(RedisBinary.preferred(" SYSTEM ")).isEqualTo(RedisBinary.SYSTEM);
		assertThat(RedisBinary.preferred(null))
			.isEqualTo(RedisBinary.SYSTEM.isAvailable() ? RedisBinary.SYSTEM : RedisBinary.EMBEDDED);
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBinary.preferred("docker"))
			.withMessageContaining(RedisBinary.PROPERTY);
	}

	@Nested
	class NestedTests {

		@Test
		void nestedClassSharesTheServersOfTheEnclosingClass() {
			assertThat(redis.servers()).hasSize(2);
			assertThat(redis.server().isRunning()).isTrue();
			assertThat(redis.server().pid()).isEqualTo(firstServerPid);
		}

	}

	private static void assumeAvailable(RedisBinary binary) {
		assumeTrue(binary.isAvailable(),
				() -> binary + " redis-server is not available: " + binary.unavailableReason());
	}

	private static <T> T withCommands(RedisProcess server, Function<RedisCommands<String, String>, T> action) {
		RedisURI uri = RedisURI.create(server.uri());
		uri.setTimeout(Duration.ofSeconds(2));
		RedisClient client = RedisClient.create(clientResources, uri);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return action.apply(connection.sync());
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	private static @Nullable String get(RedisProcess server, String key) {
		return withCommands(server, (commands) -> commands.get(key));
	}

	private static long dbsize(RedisProcess server) {
		return withCommands(server, (commands) -> commands.dbsize());
	}

	private static String ping(RedisProcess server) {
		return withCommands(server, (commands) -> commands.ping());
	}

	private static void assertRefusesConnections(int port) {
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			}
		});
	}

}
