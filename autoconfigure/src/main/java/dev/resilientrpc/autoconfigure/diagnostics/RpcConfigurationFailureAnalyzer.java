package dev.resilientrpc.autoconfigure.diagnostics;

import dev.resilientrpc.diagnostics.RpcConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link RpcConfigurationException} that stopped the startup into Boot's
 * "APPLICATION FAILED TO START" report: what is wrong, and the action that fixes it. Bad
 * property values need no analyzer of ours: they are
 * {@code InvalidConfigurationPropertyValueException}s, which Boot already reports with
 * "Review the value of the property".
 */
class RpcConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RpcConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RpcConfigurationException cause) {
		return new FailureAnalysis(String.valueOf(cause.getMessage()), cause.getAction(), cause);
	}

}
