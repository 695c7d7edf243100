package dev.resilientrpc.autoconfigure.loadbalancer;

import java.net.http.HttpClient;
import java.util.Map;

import dev.resilientrpc.autoconfigure.RpcSslBundles;
import dev.resilientrpc.autoconfigure.client.RpcClientAutoConfiguration;
import dev.resilientrpc.autoconfigure.client.RpcClientProperties;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.loadbalancer.ActiveHealthCheck;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;
import dev.resilientrpc.loadbalancer.RefreshableServiceInstances;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the consistent-hash load balancer: it replaces the default
 * instance selector of the JSON-RPC client proxies, takes instances from Spring Cloud's
 * {@code DiscoveryClient} for services without configured instances when one is present,
 * and publishes its state as metrics and as the {@code loadBalancer} part of the
 * {@code resilientrpc} Actuator endpoint.
 */
@AutoConfiguration(before = RpcClientAutoConfiguration.class,
		afterName = { "org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
				"org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration" })
@ConditionalOnClass(name = { "org.springframework.web.client.RestClient",
		"org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder" })
@ConditionalOnBooleanProperty(name = "resilient-rpc.client.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "resilient-rpc.load-balancer.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ LoadBalancerProperties.class, RpcClientProperties.class })
@Import({ LoadBalancerConfigurations.DiscoveryConfiguration.class,
		LoadBalancerConfigurations.BalancerConfiguration.class, LoadBalancerConfigurations.MetricsConfiguration.class,
		LoadBalancerConfigurations.EndpointConfiguration.class })
public final class LoadBalancerAutoConfiguration {

	@Bean
	LoadBalancerScheduler rpcLoadBalancerScheduler(ObjectProvider<ConsistentHashLoadBalancer> balancer,
			ObjectProvider<ServiceInstanceSupplier> instances, LoadBalancerProperties properties,
			RpcClientProperties clientProperties, ObjectProvider<SslBundles> sslBundles) {
		ConsistentHashLoadBalancer ring = balancer.getIfAvailable();
		ActiveHealthCheck healthCheck = null;
		LoadBalancerProperties.HealthCheck check = properties.getHealthCheck();
		if (ring != null && check.isEnabled()) {
			HttpClient.Builder httpClient = HttpClient.newBuilder().connectTimeout(check.getTimeout());
			String property = "resilient-rpc.load-balancer.health-check.ssl-bundle";
			String bundle = check.getSslBundle();
			if (bundle == null) {
				for (Map.Entry<String, RpcClientProperties.Service> service : clientProperties.getServices()
					.entrySet()) {
					if (service.getValue().getSsl().getBundle() != null) {
						property = "resilient-rpc.client.services." + service.getKey() + ".ssl.bundle";
						bundle = service.getValue().getSsl().getBundle();
						break;
					}
				}
			}
			if (bundle != null) {
				httpClient.sslContext(RpcSslBundles.get(sslBundles, property, bundle).createSslContext());
			}
			healthCheck = new ActiveHealthCheck(ring, httpClient.build(), check.getPath(), check.getTimeout());
		}
		RefreshableServiceInstances refreshable = (instances
			.getIfAvailable() instanceof RefreshableServiceInstances supplier) ? supplier : null;
		return new LoadBalancerScheduler(ring, refreshable, properties.getDiscovery().getRefreshInterval(), healthCheck,
				check.getInterval());
	}

}
