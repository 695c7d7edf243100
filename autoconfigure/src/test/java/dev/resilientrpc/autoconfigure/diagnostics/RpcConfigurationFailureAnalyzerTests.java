package dev.resilientrpc.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.autoconfigure.server.RpcServerAutoConfiguration;
import dev.resilientrpc.diagnostics.RpcConfigurationException;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RpcConfigurationFailureAnalyzer}.
 */
class RpcConfigurationFailureAnalyzerTests {

	private final RpcConfigurationFailureAnalyzer analyzer = new RpcConfigurationFailureAnalyzer();

	@Test
	void aConfigurationErrorDeepInABeanCreationFailureIsReportedWithItsAction() {
		RpcConfigurationException cause = new RpcConfigurationException("what is wrong", "what to change");
		FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("rpcClient", "failed", cause));

		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo("what is wrong");
		assertThat(analysis.getAction()).isEqualTo("what to change");
		assertThat(analysis.getCause()).isSameAs(cause);
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		assertThat(this.analyzer.analyze(new IllegalStateException("something else"))).isNull();
	}

	@Test
	void twoBeansExportingOneServiceFailTheStartupWithAnActionThatSaysWhatToChange() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RpcServerAutoConfiguration.class))
			.withBean("first", Greeter.class, Greeter::new)
			.withBean("second", Greeter.class, Greeter::new)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = this.analyzer.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.isEqualTo("Service 'greeter' is exported by two beans: 'first' and 'second'");
				assertThat(analysis.getAction()).contains("Export service 'greeter' from one bean");
			});
	}

	@Test
	void isRegisteredWithBootsFailureAnalyzers() {
		// Boot's own analyzers that need the bean factory are skipped: only ours matters
		// here
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}))).anyMatch(RpcConfigurationFailureAnalyzer.class::isInstance);
	}

	interface GreeterApi {

		String greet(String name);

	}

	@RpcService("greeter")
	static class Greeter implements GreeterApi {

		@Override
		public String greet(String name) {
			return "Hello " + name;
		}

	}

}
