package dev.resilientrpc.autoconfigure.client;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.autoconfigure.RpcSslBundles;
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
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of JSON-RPC client proxies: every {@link ResilientRpc @ResilientRpc}
 * interface in the application's packages becomes a bean whose calls run through the
 * client interceptor chain and go out over a pooled HTTP connection. A service with
 * {@code ssl.bundle} gets a connection pool of its own that uses that {@link SslBundle};
 * {@link RpcRestClientCustomizer} beans customize each service's client. With an
 * {@link ObservationRegistry} bean every logical call is observed
 * ({@code rpc.client.call.duration}); an {@link RpcClientObservationConvention} bean
 * replaces the default names and keys.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
		"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
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
			ObjectProvider<RpcRequestFactoryBuilderCustomizer> requestFactoryCustomizers,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<RpcRestClientCustomizer> restClientCustomizers) {
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
		ClientHttpRequestFactoryBuilder<?> builderOfFactories = factoryBuilder;
		ClientHttpRequestFactory sharedFactory = factoryBuilder.build(settings);
		// resolved now, so that a bundle that does not exist fails the startup
		Map<String, ClientHttpRequestFactory> tlsFactories = new HashMap<>();
		properties.getServices().forEach((name, service) -> {
			String bundle = service.getSsl().getBundle();
			if (bundle != null) {
				SslBundle sslBundle = sslBundle(sslBundles, name, bundle);
				tlsFactories.put(name, builderOfFactories.build(settings.withSslBundle(sslBundle)));
			}
		});
		RestClient.Builder base = restClientBuilder.getIfAvailable(RestClient::builder);
		List<RpcRestClientCustomizer> customizers = restClientCustomizers.orderedStream().toList();
		RestClient shared = base.clone().requestFactory(sharedFactory).build();
		return new HttpRpcTransport((service) -> {
			ClientHttpRequestFactory factory = tlsFactories.get(service);
			if (factory == null && customizers.isEmpty()) {
				return shared;
			}
			RestClient.Builder builder = base.clone().requestFactory((factory != null) ? factory : sharedFactory);
			customizers.forEach((customizer) -> customizer.customize(service, builder));
			return builder.build();
		}, RpcJsonMapper.from(jsonMapper));
	}

	private static SslBundle sslBundle(ObjectProvider<SslBundles> sslBundles, String service, String bundle) {
		return RpcSslBundles.get(sslBundles, "resilient-rpc.client.services." + service + ".ssl.bundle", bundle);
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
