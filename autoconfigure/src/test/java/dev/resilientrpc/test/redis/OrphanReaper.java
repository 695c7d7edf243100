package dev.resilientrpc.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Cleans up after JVMs that died without running their shutdown hooks (for example a test
 * JVM killed with {@code SIGKILL}).
 * <p>
 * Every temporary directory this package creates starts with {@link #PREFIX} and holds an
 * owner file naming the JVM that created it and the {@code redis-server} running in it,
 * each as a pid plus start time so that a reused pid is never mistaken for it. The first
 * {@link RedisProcess} of a JVM scans the temporary directory once: directories whose
 * owner JVM is gone have their {@code redis-server} killed and are deleted. Directories
 * of live JVMs, and processes this package did not start, are left alone.
 */
final class OrphanReaper {

	static final String PREFIX = "resilientrpc-redis-";

	private static final String OWNER_FILE = "owner.properties";

	private static final Object lock = new Object();

	private static boolean reaped;

	private OrphanReaper() {
	}

	/**
	 * Record the current JVM, and the given {@code redis-server} if any, as the owner of
	 * the directory.
	 * @param directory the directory
	 * @param redis the process running in it, or {@code null}
	 */
	static void claim(Path directory, @Nullable ProcessHandle redis) {
		Properties properties = new Properties();
		ProcessHandle jvm = ProcessHandle.current();
		properties.setProperty("jvm.pid", Long.toString(jvm.pid()));
		properties.setProperty("jvm.start", Long.toString(startMillis(jvm)));
		if (redis != null) {
			properties.setProperty("redis.pid", Long.toString(redis.pid()));
			properties.setProperty("redis.start", Long.toString(startMillis(redis)));
		}
		Path target = directory.resolve(OWNER_FILE);
		Path temporary = directory.resolve(OWNER_FILE + ".tmp");
		try {
			try (OutputStream out = Files.newOutputStream(temporary)) {
				properties.store(out, "Owner of this directory, see " + OrphanReaper.class.getName());
			}
			try {
				Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			// Best effort: without the file the directory is simply never reaped
		}
	}

	/**
	 * Reap the leftovers of dead JVMs, once per JVM.
	 */
	static void reapOnce() {
		synchronized (lock) {
			if (reaped) {
				return;
			}
			reaped = true;
		}
		Path temporaryRoot = Path.of(System.getProperty("java.io.tmpdir"));
		try (DirectoryStream<Path> directories = Files.newDirectoryStream(temporaryRoot, PREFIX + "*")) {
			for (Path directory : directories) {
				reap(directory);
			}
		}
		catch (IOException | RuntimeException ex) {
			// Best effort
		}
	}

	private static void reap(Path directory) {
		Properties owner = new Properties();
		try (InputStream in = Files.newInputStream(directory.resolve(OWNER_FILE))) {
			owner.load(in);
		}
		catch (IOException ex) {
			return;
		}
		Optional<ProcessHandle> jvm = find(owner, "jvm");
		if (jvm.isPresent() || owner.getProperty("jvm.pid") == null) {
			return;
		}
		find(owner, "redis").ifPresent(OrphanReaper::killAndWait);
		deleteRecursively(directory);
	}

	private static Optional<ProcessHandle> find(Properties owner, String prefix) {
		try {
			String pid = owner.getProperty(prefix + ".pid");
			String start = owner.getProperty(prefix + ".start");
			if (pid == null || start == null) {
				return Optional.empty();
			}
			long startMillis = Long.parseLong(start);
			return ProcessHandle.of(Long.parseLong(pid))
				.filter(ProcessHandle::isAlive)
				.filter((handle) -> startMillis < 0 || startMillis(handle) == startMillis);
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static void killAndWait(ProcessHandle handle) {
		handle.destroyForcibly();
		try {
			handle.onExit().get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// Best effort
		}
	}

	static long startMillis(ProcessHandle handle) {
		return handle.info().startInstant().map((instant) -> instant.toEpochMilli()).orElse(-1L);
	}

	/**
	 * Delete a directory and everything in it, ignoring failures.
	 * @param directory the directory to delete
	 */
	static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// Best effort
				}
			});
		}
		catch (IOException | RuntimeException ex) {
			// Best effort
		}
	}

}
