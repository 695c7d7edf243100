package dev.resilientrpc.autoconfigure.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.autoconfigure.client.RpcRestClientCustomizer;
import dev.resilientrpc.security.CallSigner;
import dev.resilientrpc.security.SignatureVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class SigningAutoConfigurationTests {

	private static final String SECRET = "a-secret-of-at-least-32-characters-long";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SigningAutoConfiguration.class));

	@Test
	void whenNoKeyIdIsSetThenCallsAreNotSigned() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SignatureVerifier.class)
			.doesNotHaveBean(CallSigner.class)
			.doesNotHaveBean(RpcRestClientCustomizer.class));
	}

	@Test
	void whenKeyIdIsSetThenClientCallsAreSigned() {
		this.contextRunner
			.withPropertyValues("resilient-rpc.signing.keys.k1=" + SECRET, "resilient-rpc.signing.key-id=k1")
			.run((context) -> assertThat(context).hasSingleBean(CallSigner.class)
				.hasSingleBean(RpcRestClientCustomizer.class));
	}

	@Test
	void keyIdThatNamesNoKeyFailsTheStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("resilient-rpc.signing.keys.k1=" + SECRET, "resilient-rpc.signing.key-id=k2")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilient-rpc.signing.key-id")
				.hasMessageContaining("names no key"));
	}

	@Test
	void requiredModeWithoutKeysFailsTheStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("resilient-rpc.signing.mode=required")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilient-rpc.signing.keys"));
	}

	@Test
	void shortSecretFailsTheStartupWithoutPrintingIt() {
		this.contextRunner
			.withPropertyValues("resilient-rpc.signing.mode=required", "resilient-rpc.signing.keys.k1=short")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilient-rpc.signing.keys.k1")
				.hasMessageContaining("at least 32 characters")
				.message()
				.doesNotContain("short"));
	}

	@Test
	void backsOffWhenUserDefinesSignatureVerifier() {
		this.contextRunner
			.withBean("custom", SignatureVerifier.class,
					() -> new SignatureVerifier(SignatureVerifier.Mode.OFF, Map.of(), Duration.ofSeconds(1), 1,
							Clock.systemUTC()))
			.run((context) -> assertThat(context).hasSingleBean(SignatureVerifier.class).hasBean("custom"));
	}

}
