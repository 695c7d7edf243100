package dev.resilientrpc.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A private {@code redis-server} process for tests, listening on {@code 127.0.0.1} on a
 * free port and keeping its files in a temporary directory of its own.
 * <p>
 * The server is launched as
 * {@code redis-server --port P --bind 127.0.0.1 --save "" --appendonly no --dir <dataDir> --daemonize no <args>},
 * so the extra arguments (for example {@code --appendonly yes --appendfsync always} or
 * {@code --cluster-enabled yes}) override the defaults. Its output goes to
 * {@link #logFile()}. {@link #start()} returns once the process answers {@code PING} (and
 * is verified to be this process, not another one on the same port), or fails after
 * {@link #DEFAULT_STARTUP_TIMEOUT} with the tail of the log.
 * <p>
 * The port is chosen on the first {@link #start()} and kept: after {@link #stop()} or
 * {@link #kill()}, {@link #start()} brings the server back on the same port with the same
 * data directory, so data persisted with AOF survives. {@link #close()} stops the server
 * and deletes the directory. Processes still running when the JVM exits are killed by a
 * shutdown hook, and leftovers of JVMs that died without running it are reaped by the
 * next test JVM.
 * <p>
 * Instances are thread-safe.
 */
public final class RedisProcess implements AutoCloseable {

	/**
	 * How long {@link #start()} waits for the server to answer {@code PING}.
	 */
	public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final String HOST = "127.0.0.1";

	private static final int PORT_ATTEMPTS = 5;

	private static final int CLUSTER_BUS_PORT_OFFSET = 10000;

	private static final int LOG_TAIL_LINES = 40;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Set<String> RESERVED_ARGUMENTS = Set.of("--port", "--dir", "--daemonize");

	private static final Set<RedisProcess> open = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(RedisProcess::destroyAll, "resilientrpc-redis-cleanup"));
	}

	private final RedisBinary binary;

	private final List<String> arguments;

	private final Duration startupTimeout;

	private final Path dataDir;

	private final Path logFile;

	private volatile int port;

	private volatile @Nullable Process process;

	private volatile boolean closed;

	private RedisProcess(RedisBinary binary, List<String> arguments, Duration startupTimeout) {
		for (String argument : arguments) {
			if (RESERVED_ARGUMENTS.contains(argument.toLowerCase(Locale.ROOT))) {
				throw new IllegalArgumentException(argument + " is managed by " + RedisProcess.class.getSimpleName());
			}
		}
		OrphanReaper.reapOnce();
		this.binary = binary;
		this.arguments = List.copyOf(arguments);
		this.startupTimeout = startupTimeout;
		try {
			this.dataDir = Files.createTempDirectory(OrphanReaper.PREFIX);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create a data directory for redis-server", ex);
		}
		OrphanReaper.claim(this.dataDir, null);
		this.logFile = this.dataDir.resolve("redis.log");
		open.add(this);
	}

	/**
	 * Create a process, not yet started, using the {@link RedisBinary#preferred()
	 * preferred} binary.
	 * @param arguments extra {@code redis-server} arguments, such as
	 * {@code "--appendonly", "yes"}
	 * @return the process
	 */
	public static RedisProcess create(String... arguments) {
		return create(RedisBinary.preferred(), arguments);
	}

	/**
	 * Create a process, not yet started, using the given binary.
	 * @param binary the binary to run
	 * @param arguments extra {@code redis-server} arguments, such as
	 * {@code "--appendonly", "yes"}
	 * @return the process
	 */
	public static RedisProcess create(RedisBinary binary, String... arguments) {
		return create(binary, Arrays.asList(arguments), DEFAULT_STARTUP_TIMEOUT);
	}

	/**
	 * Create a process, not yet started.
	 * @param binary the binary to run
	 * @param arguments extra {@code redis-server} arguments; {@code --port},
	 * {@code --dir} and {@code --daemonize} are not allowed
	 * @param startupTimeout how long {@link #start()} waits for {@code PING} to succeed
	 * @return the process
	 */
	public static RedisProcess create(RedisBinary binary, List<String> arguments, Duration startupTimeout) {
		return new RedisProcess(binary, arguments, startupTimeout);
	}

	/**
	 * Start the server and wait until it answers {@code PING}. The first start picks a
	 * free port (retrying on another one if it was taken meanwhile); later starts reuse
	 * that port and the data directory.
	 * @return this process
	 * @throws IllegalStateException if the server is already running, has been closed, or
	 * did not come up; the message includes the tail of its log
	 */
	public synchronized RedisProcess start() {
		if (this.closed) {
			throw new IllegalStateException("redis-server in " + this.dataDir + " has been closed");
		}
		if (isRunning()) {
			throw new IllegalStateException("redis-server is already running on port " + this.port);
		}
		Path executable = this.binary.path();
		if (this.port != 0) {
			launch(executable, this.port);
			return this;
		}
		@Nullable PortInUseException lastFailure = null;
		for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
			int candidate = findFreePort();
			try {
				launch(executable, candidate);
				this.port = candidate;
				return this;
			}
			catch (PortInUseException ex) {
				lastFailure = ex;
			}
		}
		throw new IllegalStateException(
				"Could not start redis-server on a free port after " + PORT_ATTEMPTS + " attempts", lastFailure);
	}

	/**
	 * Shut the server down with {@code SHUTDOWN NOSAVE} and wait for it to exit,
	 * escalating to {@code SIGTERM} and then {@code SIGKILL} if it does not. Does nothing
	 * if it is not running.
	 */
	public synchronized void stop() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		if (current.isAlive()) {
			try (RespConnection connection = RespConnection.open(HOST, this.port, 1000)) {
				connection.send("SHUTDOWN", "NOSAVE");
				String reply = connection.readReply();
				if (reply.startsWith("-")) {
					current.destroy();
				}
			}
			catch (IOException ex) {
				// Expected: the server closes the connection when it exits
			}
			if (!waitFor(current, STOP_TIMEOUT)) {
				current.destroy();
				if (!waitFor(current, STOP_TIMEOUT)) {
					current.destroyForcibly();
					waitFor(current, STOP_TIMEOUT);
				}
			}
		}
		this.process = null;
	}

	/**
	 * Kill the server with {@code SIGKILL}, as in a crash, and wait for it to exit. Does
	 * nothing if it is not running.
	 */
	public synchronized void kill() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroyForcibly();
		waitFor(current, STOP_TIMEOUT);
		this.process = null;
	}

	/**
	 * Stop the server and delete its data directory. The process cannot be started again.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		try {
			stop();
		}
		finally {
			this.closed = true;
			open.remove(this);
			OrphanReaper.deleteRecursively(this.dataDir);
		}
	}

	/**
	 * Return whether the server process is alive.
	 * @return {@code true} if it is running
	 */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Return the host the server listens on.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * Return the port the server listens on.
	 * @return the port
	 * @throws IllegalStateException if the server has never been started
	 */
	public int port() {
		int current = this.port;
		if (current == 0) {
			throw new IllegalStateException("redis-server has not been started yet");
		}
		return current;
	}

	/**
	 * Return the URI of the server.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String uri() {
		return "redis://" + HOST + ":" + port();
	}

	/**
	 * Send one command to the running server and return its reply, as {@code redis-cli}
	 * would print it for simple strings ({@code +OK}), errors ({@code -ERR ...}),
	 * integers ({@code :1}) and bulk strings (their content).
	 * @param arguments the command and its arguments, such as
	 * {@code "REPLICAOF", "NO", "ONE"}
	 * @return the reply
	 * @throws IllegalStateException if the server does not answer
	 */
	public String command(String... arguments) {
		try (RespConnection connection = RespConnection.open(HOST, port(), 5000)) {
			return connection.command(arguments);
		}
		catch (IOException ex) {
			throw new IllegalStateException("redis-server on port " + this.port + " did not answer "
					+ String.join(" ", arguments) + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the pid of the running server.
	 * @return the pid
	 * @throws IllegalStateException if the server is not running
	 */
	public long pid() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("redis-server is not running");
		}
		return current.pid();
	}

	/**
	 * Return the directory the server runs in and keeps its files (AOF, cluster config,
	 * log) in.
	 * @return the data directory
	 */
	public Path dataDir() {
		return this.dataDir;
	}

	/**
	 * Return the file the server's standard output and error go to, across restarts.
	 * @return the log file
	 */
	public Path logFile() {
		return this.logFile;
	}

	/**
	 * Return the binary this process runs.
	 * @return the binary
	 */
	public RedisBinary binary() {
		return this.binary;
	}

	/**
	 * Return the extra arguments given at creation.
	 * @return the arguments
	 */
	public List<String> arguments() {
		return this.arguments;
	}

	/**
	 * Return Spring Boot properties that point {@code spring.data.redis} at this server,
	 * for {@code ApplicationContextRunner.withPropertyValues} or
	 * {@code @DynamicPropertySource}.
	 * @return {@code spring.data.redis.host} and {@code spring.data.redis.port}
	 */
	public Map<String, String> springProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", host());
		properties.put("spring.data.redis.port", Integer.toString(port()));
		return Collections.unmodifiableMap(properties);
	}

	@Override
	public String toString() {
		return "RedisProcess[" + this.binary + ", port=" + this.port + ", running=" + isRunning() + ", dataDir="
				+ this.dataDir + "]";
	}

	private void launch(Path executable, int port) {
		List<String> command = new ArrayList<>(
				List.of(executable.toString(), "--port", Integer.toString(port), "--bind", HOST, "--save", "",
						"--appendonly", "no", "--dir", this.dataDir.toString(), "--daemonize", "no"));
		command.addAll(this.arguments);
		long logOffset = logSize();
		Process started;
		try {
			started = new ProcessBuilder(command).directory(this.dataDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not launch " + String.join(" ", command), ex);
		}
		this.process = started;
		try {
			// redis-server does not read its standard input
			started.getOutputStream().close();
		}
		catch (IOException ex) {
			// Harmless
		}
		OrphanReaper.claim(this.dataDir, started.toHandle());
		try {
			awaitReady(started, port, logOffset);
		}
		catch (RuntimeException ex) {
			started.destroyForcibly();
			waitFor(started, STOP_TIMEOUT);
			this.process = null;
			throw ex;
		}
	}

	private void awaitReady(Process started, int port, long logOffset) {
		long deadline = System.nanoTime() + this.startupTimeout.toNanos();
		String lastProblem = "no answer yet";
		while (true) {
			if (!started.isAlive()) {
				String log = readLog(logOffset);
				String message = "redis-server exited with code " + started.exitValue() + " while starting on port "
						+ port + describeLog(log);
				if (log.contains("Address already in use")) {
					throw new PortInUseException(message);
				}
				throw new IllegalStateException(message);
			}
			try (RespConnection connection = RespConnection.open(HOST, port, 250)) {
				String pong = connection.command("PING");
				if (pong.equals("+PONG")) {
					String info = connection.command("INFO", "server");
					if (info.contains("process_id:" + started.pid() + "\r\n")) {
						return;
					}
					// Someone else answers on this port: ours will fail to bind it
					throw new PortInUseException(
							"Port " + port + " is answered by another redis-server" + describeLog(readLog(logOffset)));
				}
				lastProblem = "PING answered " + pong;
			}
			catch (SocketTimeoutException ex) {
				lastProblem = "PING timed out";
			}
			catch (IOException ex) {
				lastProblem = ex.toString();
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(
						"redis-server did not answer PING on port " + port + " within " + this.startupTimeout.toMillis()
								+ "ms (" + lastProblem + ")" + describeLog(readLog(logOffset)));
			}
			sleep(20);
		}
	}

	private int findFreePort() {
		boolean cluster = isClusterEnabled();
		for (int attempt = 0; attempt < 100; attempt++) {
			int candidate;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
				candidate = socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not find a free port", ex);
			}
			if (candidate == 6379) {
				continue;
			}
			if (cluster
					&& (candidate + CLUSTER_BUS_PORT_OFFSET > 65535 || !isFree(candidate + CLUSTER_BUS_PORT_OFFSET))) {
				continue;
			}
			return candidate;
		}
		throw new IllegalStateException(
				"Could not find a free port" + (cluster ? " with a free cluster bus port" : ""));
	}

	private boolean isClusterEnabled() {
		for (int i = 0; i < this.arguments.size() - 1; i++) {
			if (this.arguments.get(i).equalsIgnoreCase("--cluster-enabled")
					&& this.arguments.get(i + 1).equalsIgnoreCase("yes")) {
				return true;
			}
		}
		return false;
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private long logSize() {
		try {
			return Files.exists(this.logFile) ? Files.size(this.logFile) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private String readLog(long offset) {
		if (!Files.exists(this.logFile)) {
			return "";
		}
		try (InputStream in = Files.newInputStream(this.logFile)) {
			in.skipNBytes(Math.min(offset, Files.size(this.logFile)));
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(could not read " + this.logFile + ": " + ex + ")";
		}
	}

	private String describeLog(String log) {
		List<String> lines = log.lines().toList();
		List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
		return "; last " + tail.size() + " lines of " + this.logFile + ":\n" + String.join("\n", tail);
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !process.isAlive();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

	private static void destroyAll() {
		List<Process> running = new ArrayList<>();
		for (RedisProcess redis : open) {
			Process current = redis.process;
			if (current != null && current.isAlive()) {
				current.destroyForcibly();
				running.add(current);
			}
		}
		for (Process current : running) {
			waitFor(current, Duration.ofSeconds(2));
		}
		for (RedisProcess redis : open) {
			OrphanReaper.deleteRecursively(redis.dataDir);
		}
	}

	private static final class PortInUseException extends IllegalStateException {

		PortInUseException(String message) {
			super(message);
		}

	}

}
