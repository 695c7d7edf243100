package dev.resilientrpc.test.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with the running JDK's {@code keytool}: a node key pair
 * (valid for localhost and 127.0.0.1), a client key pair, and a trust store holding both
 * certificates. Exposed as three Spring Boot SSL bundles: {@code node} (node key, trust),
 * {@code client} (client key, trust) and {@code trust} (trust only).
 */
public final class TestCertificates {

	/** Password of every store. */
	public static final String PASSWORD = "test-secret";

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Generate the certificates in a new temporary directory.
	 * @return the certificates
	 */
	public static TestCertificates generate() {
		try {
			Path directory = Files.createTempDirectory("resilient-rpc-tls");
			directory.toFile().deleteOnExit();
			TestCertificates certificates = new TestCertificates(directory);
			certificates.keyPair("node", "CN=node,O=resilient-rpc test");
			certificates.keyPair("client", "CN=client,O=resilient-rpc test");
			certificates.trust("node");
			certificates.trust("client");
			return certificates;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void keyPair(String alias, String name) {
		keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", name,
				"-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", store(alias), "-storetype", "PKCS12",
				"-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store(alias), "-storepass", PASSWORD, "-file",
				this.directory.resolve(alias + ".crt").toString());
	}

	private void trust(String alias) {
		keytool("-importcert", "-noprompt", "-alias", alias, "-file", this.directory.resolve(alias + ".crt").toString(),
				"-keystore", store("trust"), "-storetype", "PKCS12", "-storepass", PASSWORD);
	}

	private String store(String name) {
		return this.directory.resolve(name + ".p12").toString();
	}

	private static void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException("keytool " + command + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the properties that define the bundles {@code node}, {@code client} and
	 * {@code trust}.
	 * @return the properties, as {@code name=value}
	 */
	public List<String> bundleProperties() {
		List<String> properties = new ArrayList<>();
		for (String bundle : List.of("node", "client", "trust")) {
			String prefix = "spring.ssl.bundle.jks." + bundle + ".";
			if (!bundle.equals("trust")) {
				properties.add(prefix + "keystore.location=file:" + store(bundle));
				properties.add(prefix + "keystore.password=" + PASSWORD);
				properties.add(prefix + "keystore.type=PKCS12");
			}
			properties.add(prefix + "truststore.location=file:" + store("trust"));
			properties.add(prefix + "truststore.password=" + PASSWORD);
			properties.add(prefix + "truststore.type=PKCS12");
		}
		return properties;
	}

}
