package dev.resilientrpc.test.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import redis.embedded.core.ExecutableProvider;

/**
 * Where the {@code redis-server} executable for tests comes from.
 * <p>
 * {@link #SYSTEM} is the {@code redis-server} found on the {@code PATH};
 * {@link #EMBEDDED} is the Linux/macOS/Windows binary bundled in the
 * {@code com.github.codemonstur:embedded-redis} jar, extracted once per JVM to a
 * temporary directory. A binary counts as available only when it exists and answers
 * {@code redis-server --version}; the result is computed once and cached.
 * <p>
 * {@link #preferred()} picks the binary to use when a test does not force one: the value
 * of the system property {@value #PROPERTY} ({@code system} or {@code embedded}) when
 * set, otherwise {@link #SYSTEM} when available, otherwise {@link #EMBEDDED}.
 */
public enum RedisBinary {

	/**
	 * The {@code redis-server} found on the {@code PATH}.
	 */
	SYSTEM,

	/**
	 * The {@code redis-server} bundled in the embedded-redis jar.
	 */
	EMBEDDED;

	/**
	 * System property that overrides the default binary: {@code system} or
	 * {@code embedded}.
	 */
	public static final String PROPERTY = "resilientrpc.test.redis-binary";

	private static final Pattern VERSION = Pattern.compile("v=(\\S+)");

	/**
	 * The oldest Redis the starter supports: the checkpoint scripts trim the command log
	 * with {@code XTRIM ... MINID}, which came in 6.2.
	 */
	static final int[] MINIMUM_VERSION = { 6, 2 };

	private volatile @Nullable Resolution resolution;

	/**
	 * Return whether this binary can be used on this machine.
	 * @return {@code true} if the executable exists and runs
	 */
	public boolean isAvailable() {
		return resolve().path != null;
	}

	/**
	 * Return the path of the executable, extracting it first for {@link #EMBEDDED}.
	 * @return the executable
	 * @throws IllegalStateException if the binary is not available
	 */
	public Path path() {
		Resolution resolved = resolve();
		if (resolved.path == null) {
			throw new IllegalStateException(describeUnavailable(resolved));
		}
		return resolved.path;
	}

	/**
	 * Return the Redis version reported by {@code redis-server --version}, such as
	 * {@code 7.0.15}.
	 * @return the version
	 * @throws IllegalStateException if the binary is not available
	 */
	public String version() {
		path();
		return resolve().version;
	}

	/**
	 * Return why this binary is not available.
	 * @return the reason, or {@code null} if it is available
	 */
	public @Nullable String unavailableReason() {
		return resolve().problem;
	}

	/**
	 * Return the binary to use when none is forced: the one named by the system property
	 * {@value #PROPERTY}, otherwise {@link #SYSTEM} if available, otherwise
	 * {@link #EMBEDDED}.
	 * @return the preferred binary
	 * @throws IllegalArgumentException if the system property has an unknown value
	 */
	public static RedisBinary preferred() {
		return preferred(System.getProperty(PROPERTY));
	}

	static RedisBinary preferred(@Nullable String override) {
		if (override != null && !override.isBlank()) {
			String value = override.trim().toUpperCase(Locale.ROOT);
			for (RedisBinary candidate : values()) {
				if (candidate.name().equals(value)) {
					return candidate;
				}
			}
			throw new IllegalArgumentException("Unknown value '" + override + "' for system property " + PROPERTY
					+ ", expected 'system' or 'embedded'");
		}
		return SYSTEM.isAvailable() ? SYSTEM : EMBEDDED;
	}

	private String describeUnavailable(Resolution resolved) {
		return "The " + name().toLowerCase(Locale.ROOT) + " redis-server binary is not available: " + resolved.problem;
	}

	private Resolution resolve() {
		Resolution resolved = this.resolution;
		if (resolved == null) {
			synchronized (this) {
				resolved = this.resolution;
				if (resolved == null) {
					resolved = (this == SYSTEM) ? resolveSystem() : resolveEmbedded();
					this.resolution = resolved;
				}
			}
		}
		return resolved;
	}

	private static Resolution resolveSystem() {
		String pathVariable = System.getenv("PATH");
		if (pathVariable == null || pathVariable.isBlank()) {
			return Resolution.unavailable("the PATH environment variable is empty");
		}
		for (String directory : pathVariable.split(File.pathSeparator)) {
			if (directory.isBlank()) {
				continue;
			}
			for (String name : new String[] { "redis-server", "redis-server.exe" }) {
				Path candidate = Path.of(directory, name);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return verify(candidate);
				}
			}
		}
		return Resolution.unavailable("no executable redis-server on the PATH (" + pathVariable + ")");
	}

	private static Resolution resolveEmbedded() {
		Path directory;
		try {
			directory = Files.createTempDirectory(OrphanReaper.PREFIX + "bin-");
		}
		catch (IOException ex) {
			return Resolution.unavailable("could not create a temporary directory: " + ex);
		}
		OrphanReaper.claim(directory, null);
		Runtime.getRuntime()
			.addShutdownHook(
					new Thread(() -> OrphanReaper.deleteRecursively(directory), "resilientrpc-redis-binary-cleanup"));
		try {
			// Copies the resource matching this OS and architecture (for example
			// /redis-server-6.2.6-v5-linux-amd64) into the directory and makes it
			// executable.
			File executable = ExecutableProvider.newJarResourceProvider(directory.toFile()).get();
			return verify(executable.toPath());
		}
		catch (IOException | RuntimeException ex) {
			OrphanReaper.deleteRecursively(directory);
			return Resolution.unavailable("no bundled binary could be extracted for os.name="
					+ System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch") + ": " + ex);
		}
	}

	private static Resolution verify(Path executable) {
		try {
			Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
			String output;
			try (InputStream in = process.getInputStream()) {
				output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
			}
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return Resolution.unavailable(executable + " --version did not finish within 10s");
			}
			Matcher matcher = VERSION.matcher(output);
			if (process.exitValue() != 0 || !output.startsWith("Redis server") || !matcher.find()) {
				return Resolution
					.unavailable(executable + " --version exited with " + process.exitValue() + ": " + output);
			}
			String version = matcher.group(1);
			if (!isSupported(version)) {
				return Resolution.unavailable(executable + " is Redis " + version + ", older than " + MINIMUM_VERSION[0]
						+ "." + MINIMUM_VERSION[1]
						+ ", the oldest the starter supports (its scripts use XTRIM ... MINID)");
			}
			return new Resolution(executable, version, null);
		}
		catch (IOException ex) {
			return Resolution.unavailable("could not run " + executable + ": " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Resolution.unavailable("interrupted while running " + executable + " --version");
		}
	}

	/**
	 * Whether a version such as {@code 7.0.15} is at least {@link #MINIMUM_VERSION}.
	 * @param version the version
	 * @return whether the starter supports it
	 */
	static boolean isSupported(String version) {
		String[] parts = version.split("\\.");
		for (int i = 0; i < MINIMUM_VERSION.length; i++) {
			int part;
			try {
				part = (i < parts.length) ? Integer.parseInt(parts[i]) : 0;
			}
			catch (NumberFormatException ex) {
				return false;
			}
			if (part != MINIMUM_VERSION[i]) {
				return part > MINIMUM_VERSION[i];
			}
		}
		return true;
	}

	private static final class Resolution {

		final @Nullable Path path;

		final String version;

		final @Nullable String problem;

		Resolution(@Nullable Path path, String version, @Nullable String problem) {
			this.path = path;
			this.version = version;
			this.problem = problem;
		}

		static Resolution unavailable(String problem) {
			return new Resolution(null, "", problem);
		}

	}

}
