package dev.resilientrpc.autoconfigure.server;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServlet;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.observation.RpcServerObservationConvention;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.JsonRpcServlet;
import dev.resilientrpc.server.RequestLimits;
import dev.resilientrpc.server.RequestVerifier;
import dev.resilientrpc.server.RpcServiceRegistry;
import dev.resilientrpc.server.ServerInterceptor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the JSON-RPC server: exports the beans annotated with
 * {@link RpcService @RpcService} at {@code resilient-rpc.server.path}. With an
 * {@link ObservationRegistry} bean every call is observed
 * ({@code rpc.server.call.duration}, the caller's trace continued); an
 * {@link RpcServerObservationConvention} bean replaces the default names and keys.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ HttpServlet.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "resilient-rpc.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RpcServerProperties.class)
public final class RpcServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RpcServiceRegistry rpcServiceRegistry(ApplicationContext context) {
		return RpcServiceRegistry.of(context.getBeansWithAnnotation(RpcService.class));
	}

	@Bean
	@ConditionalOnMissingBean
	JsonRpcServer jsonRpcServer(RpcServiceRegistry registry, RpcServerProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<ServerInterceptor> interceptors,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<RpcServerObservationConvention> observationConvention) {
		properties.validate();
		RpcServerProperties.Limits limits = properties.getLimits();
		StreamReadConstraints constraints = StreamReadConstraints.builder()
			.maxStringLength(limits.getMaxStringLength())
			.maxNumberLength(limits.getMaxNumberLength())
			.maxNameLength(limits.getMaxNameLength())
			.build();
		JsonRpcServer server = new JsonRpcServer(registry, RpcJsonMapper.from(jsonMapper),
				interceptors.orderedStream().toList(), properties.getMaxNestingDepth(), properties.getMaxBatchSize(),
				constraints);
		observationRegistry.ifUnique(server::setObservationRegistry);
		server.setObservationConvention(observationConvention.getIfUnique());
		return server;
	}

	@Bean
	@ConditionalOnMissingBean(name = "jsonRpcServletRegistration")
	ServletRegistrationBean<JsonRpcServlet> jsonRpcServletRegistration(JsonRpcServer server,
			RpcServerProperties properties, ObjectProvider<RequestVerifier> verifiers) {
		properties.validate();
		RpcServerProperties.Limits limits = properties.getLimits();
		RequestLimits requestLimits = new RequestLimits(properties.getMaxRequestSize().toBytes(),
				(int) limits.getMaxHeaderSize().toBytes(), limits.getMaxIdempotencyKeyLength(), limits.getMaxInFlight(),
				limits.getRetryAfter());
		JsonRpcServlet servlet = new JsonRpcServlet(server, requestLimits, verifiers.orderedStream().toList());
		ServletRegistrationBean<JsonRpcServlet> registration = new ServletRegistrationBean<>(servlet,
				properties.getPath());
		registration.setName("jsonRpcServlet");
		registration.setLoadOnStartup(1);
		return registration;
	}

}
