package dev.resilientrpc.autoconfigure.slot;

import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.autoconfigure.RpcRedisProperties;
import dev.resilientrpc.autoconfigure.RpcSslBundles;
import dev.resilientrpc.autoconfigure.checkpoint.CheckpointAutoConfiguration;
import dev.resilientrpc.autoconfigure.checkpoint.CheckpointProperties;
import dev.resilientrpc.autoconfigure.checkpoint.ServerCommandReplayer;
import dev.resilientrpc.autoconfigure.client.RpcClientProperties;
import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpoint;
import dev.resilientrpc.autoconfigure.loadbalancer.LoadBalancerProperties;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.cluster.InstanceWeights;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.StaticServiceInstances;
import dev.resilientrpc.security.CallSigner;
import dev.resilientrpc.slot.Forwarder;
import dev.resilientrpc.slot.PartitionedState;
import dev.resilientrpc.slot.SlotLeases;
import dev.resilientrpc.slot.SlotRouter;
import dev.resilientrpc.slot.SlotTable;
import dev.resilientrpc.slot.SlotTables;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of state split into slots: for every {@link PartitionedState} bean,
 * named like an exported service whose instance list is known (the same
 * {@code resilient-rpc.client.services.<name>.instances}, or discovery, as clients use),
 * a {@link SlotTable} holds this node's share of the slots, with leases in Redis, and a
 * {@link SlotRouter} sends every call of the service to the node holding its key's slot.
 */
@AutoConfiguration(after = CheckpointAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "resilient-rpc.slots.enabled", matchIfMissing = true)
@ConditionalOnBean({ RedisConnectionFactory.class, CheckpointManager.class, PartitionedState.class })
@EnableConfigurationProperties({ SlotProperties.class, RpcClientProperties.class, LoadBalancerProperties.class,
		CheckpointProperties.class, RpcRedisProperties.class })
public final class SlotAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SlotLeases rpcSlotLeases(RedisConnectionFactory connectionFactory, RpcRedisProperties redisProperties) {
		return new SlotLeases(connectionFactory, redisProperties.validatedKeyPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	SlotTables rpcSlotTables(ObjectProvider<PartitionedState<?>> states, SlotLeases leases, CheckpointManager manager,
			ServerCommandReplayer replayer, ObjectProvider<ServiceInstanceSupplier> instances,
			RpcClientProperties clientProperties, LoadBalancerProperties loadBalancerProperties,
			CheckpointProperties checkpointProperties, SlotProperties properties, Environment environment) {
		properties.validate();
		ServiceInstanceSupplier discovery = instances.getIfAvailable();
		ServiceInstanceSupplier supplier = (discovery != null) ? discovery
				: new StaticServiceInstances(clientProperties.instances());
		InstanceWeights weights = InstanceWeights.of(loadBalancerProperties.baseUriWeights(), supplier);
		Integer serverPort = environment.getProperty("server.port", Integer.class);
		int rememberedCalls = Math.max(1024, checkpointProperties.getRememberedCalls() / properties.getCount());
		SlotTable.Options options = new SlotTable.Options(properties.getCount(), properties.getLeaseTime(),
				properties.getLeaseRefresh(), properties.getRouteWait(), properties.getHandoffTimeout(),
				rememberedCalls, properties.getRetryAfter());
		List<SlotTable<?>> tables = new ArrayList<>();
		for (PartitionedState<?> state : states.orderedStream().toList()) {
			String service = state.getCheckpointName();
			ServiceInstance self = SlotMembership.self(service, supplier.getInstances(service),
					properties.getInstance(), serverPort, discovery != null);
			tables.add(table(state, leases, manager, replayer, supplier, loadBalancerProperties.getVirtualNodes(),
					weights, self, options));
		}
		return new SlotTables(tables);
	}

	private static <T extends Checkpointable> SlotTable<T> table(PartitionedState<T> state, SlotLeases leases,
			CheckpointManager manager, ServerCommandReplayer replayer, ServiceInstanceSupplier instances,
			int virtualNodes, InstanceWeights weights, ServiceInstance self, SlotTable.Options options) {
		return new SlotTable<>(state, leases, manager.getLoader(), manager.getCheckpointer(), manager.getOptions(),
				replayer, instances, virtualNodes, weights, self, options);
	}

	@Bean
	@ConditionalOnMissingBean
	SlotRouter rpcSlotRouter(SlotTables tables, SlotProperties properties, RpcClientProperties clientProperties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<CallSigner> signer, ObjectProvider<ObservationRegistry> observationRegistry) {
		String self = tables.all().isEmpty() ? "unknown" : tables.all().get(0).getNodeId();
		SSLContext sslContext = forwardingSslContext(tables, properties, clientProperties, sslBundles);
		Forwarder forwarder = new Forwarder(RpcJsonMapper.from(jsonMapper), self, properties.getConnectTimeout(),
				properties.getRetryAfter(), sslContext, signer.getIfAvailable());
		observationRegistry.ifUnique(forwarder::setObservationRegistry);
		return new SlotRouter(tables, forwarder, properties.getRouting(), properties.getRetryAfter());
	}

	/**
	 * The nodes are the service's instances, so they forward with the service's client
	 * bundle unless resilient-rpc.slots.ssl.bundle names another.
	 */
	private static @Nullable SSLContext forwardingSslContext(SlotTables tables, SlotProperties properties,
			RpcClientProperties clientProperties, ObjectProvider<SslBundles> sslBundles) {
		String property = "resilient-rpc.slots.ssl.bundle";
		String bundle = properties.getSsl().getBundle();
		if (bundle == null) {
			for (SlotTable<?> table : tables.all()) {
				RpcClientProperties.Service service = clientProperties.getServices()
					.get(table.getState().getCheckpointName());
				if (service != null && service.getSsl().getBundle() != null) {
					property = "resilient-rpc.client.services." + table.getState().getCheckpointName() + ".ssl.bundle";
					bundle = service.getSsl().getBundle();
					break;
				}
			}
		}
		if (bundle == null) {
			return null;
		}
		return RpcSslBundles.get(sslBundles, property, bundle).createSslContext();
	}

	@Bean
	SlotLifecycle rpcSlotLifecycle(SlotTables tables) {
		return new SlotLifecycle(tables.all());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	static class EndpointConfiguration {

		@Bean
		@Order(400)
		@ConditionalOnAvailableEndpoint(ResilientRpcEndpoint.class)
		@ConditionalOnMissingBean
		SlotEndpointContributor rpcSlotEndpointContributor(SlotTables tables) {
			return new SlotEndpointContributor(tables);
		}

	}

}
