package dev.resilientrpc.autoconfigure.loadbalancer;

import java.util.Map;

import dev.resilientrpc.autoconfigure.client.RpcClientProperties;
import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.cluster.InstanceWeights;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.StaticServiceInstances;
import dev.resilientrpc.loadbalancer.ConsistentHashLoadBalancer;
import dev.resilientrpc.loadbalancer.LoadBalancerMetrics;
import dev.resilientrpc.loadbalancer.discovery.DiscoveryServiceInstances;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The configurations {@link LoadBalancerAutoConfiguration} imports, in an order that
 * matters: instances first (discovery), then the balancer, then what observes the
 * balancer.
 */
final class LoadBalancerConfigurations {

	private LoadBalancerConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DiscoveryClient.class)
	@ConditionalOnBean(DiscoveryClient.class)
	@ConditionalOnBooleanProperty(name = "resilient-rpc.load-balancer.discovery.enabled", matchIfMissing = true)
	static class DiscoveryConfiguration {

		@Bean
		@ConditionalOnMissingBean(ServiceInstanceSupplier.class)
		DiscoveryServiceInstances rpcDiscoveryServiceInstances(DiscoveryClient discoveryClient,
				RpcClientProperties clientProperties, LoadBalancerProperties properties) {
			StaticServiceInstances configured = new StaticServiceInstances(clientProperties.instances());
			Map<String, RpcClientProperties.Service> services = clientProperties.getServices();
			return new DiscoveryServiceInstances(discoveryClient, configured,
					(service) -> (services.get(service) != null) ? services.get(service).getPath() : "/rpc",
					properties.getDiscovery().getWeightMetadataKey());
		}

		@Bean
		HeartbeatListener rpcDiscoveryHeartbeatListener(ObjectProvider<LoadBalancerScheduler> scheduler) {
			return new HeartbeatListener(scheduler);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BalancerConfiguration {

		@Bean
		@ConditionalOnMissingBean(InstanceSelector.class)
		ConsistentHashLoadBalancer rpcLoadBalancer(ServiceInstanceSupplier instances, LoadBalancerProperties properties,
				RpcClientProperties clientProperties, ObjectProvider<InstanceAvailability> availability) {
			properties.validate();
			if (clientProperties.getInstanceCoolDown().isNegative()) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.client.instance-cool-down",
						clientProperties.getInstanceCoolDown(), "must not be negative");
			}
			ConsistentHashLoadBalancer balancer = ConsistentHashLoadBalancer.builder(instances)
				.virtualNodes(properties.getVirtualNodes())
				.loadFactor(properties.getLoadFactor())
				.weights(InstanceWeights.of(properties.baseUriWeights(), instances))
				.availability(availability.orderedStream().toList())
				.coolDown(clientProperties.getInstanceCoolDown())
				.slots(clientProperties.slots())
				.build();
			// build the rings of configured services now, so that the endpoint shows them
			// at once
			clientProperties.instances().forEach((service, configured) -> {
				if (!configured.isEmpty()) {
					balancer.refresh(service);
				}
			});
			return balancer;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	@ConditionalOnBean(ConsistentHashLoadBalancer.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LoadBalancerMetrics rpcLoadBalancerMetrics(ConsistentHashLoadBalancer balancer) {
			return new LoadBalancerMetrics(balancer);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	@ConditionalOnBean(ConsistentHashLoadBalancer.class)
	static class EndpointConfiguration {

		@Bean
		@Order(100)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnMissingBean
		LoadBalancerEndpointContributor rpcLoadBalancerEndpointContributor(ConsistentHashLoadBalancer balancer) {
			return new LoadBalancerEndpointContributor(balancer);
		}

	}

	/**
	 * Refreshes discovered instances when the discovery client reports a heartbeat.
	 */
	static class HeartbeatListener implements ApplicationListener<HeartbeatEvent> {

		private final ObjectProvider<LoadBalancerScheduler> scheduler;

		HeartbeatListener(ObjectProvider<LoadBalancerScheduler> scheduler) {
			this.scheduler = scheduler;
		}

		@Override
		public void onApplicationEvent(HeartbeatEvent event) {
			this.scheduler.ifAvailable(LoadBalancerScheduler::refreshDiscoverySoon);
		}

	}

}
