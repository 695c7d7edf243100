package dev.resilientrpc.autoconfigure.security;

import java.time.Clock;

import dev.resilientrpc.autoconfigure.client.RpcRestClientCustomizer;
import dev.resilientrpc.security.CallSigner;
import dev.resilientrpc.security.SignatureVerifier;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of signed calls: with {@code resilient-rpc.signing.key-id}, calls
 * (the client's and those a node forwards) are signed with that key; with
 * {@code resilient-rpc.signing.mode} other than {@code off}, the server checks the
 * signature of every request before any call in it runs.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "resilient-rpc.signing.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SigningProperties.class)
public final class SigningAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SignatureVerifier rpcSignatureVerifier(SigningProperties properties) {
		properties.validate();
		return new SignatureVerifier(properties.getMode(), properties.getKeys(), properties.getClockSkew(),
				properties.getMaxRemembered(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty("resilient-rpc.signing.key-id")
	CallSigner rpcCallSigner(SigningProperties properties) {
		properties.validate();
		String keyId = properties.getKeyId();
		String secret = (keyId != null) ? properties.getKeys().get(keyId) : null;
		if (keyId == null || secret == null) {
			throw new IllegalStateException("validate() lets no key-id without a key through");
		}
		return new CallSigner(keyId, secret, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnProperty("resilient-rpc.signing.key-id")
	RpcRestClientCustomizer rpcSigningRestClientCustomizer(CallSigner signer) {
		return (service, builder) -> builder.requestInterceptor(signer);
	}

}
