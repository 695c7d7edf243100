package dev.resilientrpc.autoconfigure.client;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.FirstHealthyInstanceSelector;
import dev.resilientrpc.client.HttpRpcTransport;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcClientProxyFactory;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.observation.RpcClientObservationConvention;
import dev.resilientrpc.cluster.StaticServiceInstances;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of JSON-RPC client proxies: every {@link ResilientRpc @ResilientRpc}
 * interface in the application's packages becomes a bean whose calls run through the
 * client interceptor chain and go out over a pooled HTTP connection. With an
 * {@link ObservationRegistry} bean every logical call is observed
 * ({@code rpc.client.call.duration}); an {@link RpcClientObservationConvention} bean
 * replaces the default names and keys.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration" })
@ConditionalOnClass({ RestClient.class, ClientHttpRequestFactoryBuilder.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "resilient-rpc.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RpcClientProperties.class)
@Import(RpcClientsRegistrar.class)
public final class RpcClientAutoConfiguration {

	private static final String HTTP_CLIENT_5 = "org.apache.hc.client5.http.impl.classic.HttpClientBuilder";

	@Bean
	@ConditionalOnMissingBean(ServiceInstanceSupplier.class)
	StaticServiceInstances rpcServiceInstances(RpcClientProperties properties) {
		return new StaticServiceInstances(properties.instances());
	}

	@Bean
	@ConditionalOnMissingBean(RpcTransport.class)
	HttpRpcTransport rpcTransport(RpcClientProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<RpcRequestFactoryBuilderCustomizer> requestFactoryCustomizers) {
		properties.validate();
		HttpClientSettings settings = HttpClientSettings.defaults()
			.withTimeouts(properties.getConnectTimeout(), properties.getReadTimeout());
		ClientHttpRequestFactoryBuilder<?> factoryBuilder = requestFactoryBuilder
			.getIfAvailable(ClientHttpRequestFactoryBuilder::detect);
		if (ClassUtils.isPresent(HTTP_CLIENT_5, RpcClientAutoConfiguration.class.getClassLoader())) {
			factoryBuilder = HttpComponents.withoutAutomaticRetries(factoryBuilder);
		}
		for (RpcRequestFactoryBuilderCustomizer customizer : requestFactoryCustomizers.orderedStream().toList()) {
			factoryBuilder = customizer.customize(factoryBuilder, properties);
		}
		RestClient restClient = restClientBuilder.getIfAvailable(RestClient::builder)
			.requestFactory(factoryBuilder.build(settings))
			.build();
		return new HttpRpcTransport(restClient, RpcJsonMapper.from(jsonMapper));
	}

	@Bean
	@ConditionalOnMissingBean(InstanceSelector.class)
	FirstHealthyInstanceSelector rpcInstanceSelector(ServiceInstanceSupplier instances,
			RpcClientProperties properties) {
		return new FirstHealthyInstanceSelector(instances, properties.getInstanceCoolDown(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RpcClient rpcClient(ObjectProvider<ClientInterceptor> interceptors, RpcTransport transport,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<RpcClientObservationConvention> observationConvention) {
		RpcClient client = new RpcClient(interceptors.orderedStream().toList(), transport);
		observationRegistry.ifUnique(client::setObservationRegistry);
		client.setObservationConvention(observationConvention.getIfUnique());
		return client;
	}

	@Bean
	@ConditionalOnMissingBean
	RpcClientProxyFactory rpcClientProxyFactory(RpcClient client, ObjectProvider<JsonMapper> jsonMapper) {
		return new RpcClientProxyFactory(client, RpcJsonMapper.from(jsonMapper));
	}

	/**
	 * Apache HttpClient 5 repeats a request that got HTTP 503 or 429 by itself, POST
	 * included: an attempt the retry layer neither counts nor checks for safety. Only the
	 * retry layer retries.
	 */
	private static final class HttpComponents {

		static ClientHttpRequestFactoryBuilder<?> withoutAutomaticRetries(ClientHttpRequestFactoryBuilder<?> builder) {
			if (builder instanceof HttpComponentsClientHttpRequestFactoryBuilder httpComponents) {
				return httpComponents.withHttpClientCustomizer(HttpClientBuilder::disableAutomaticRetries);
			}
			return builder;
		}

	}

}
