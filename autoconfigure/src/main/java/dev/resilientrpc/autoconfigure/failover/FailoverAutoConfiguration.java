package dev.resilientrpc.autoconfigure.failover;

import java.util.List;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.autoconfigure.RpcJsonMapper;
import dev.resilientrpc.autoconfigure.checkpoint.CheckpointAutoConfiguration;
import dev.resilientrpc.autoconfigure.checkpoint.CheckpointManagerBuilderCustomizer;
import dev.resilientrpc.autoconfigure.checkpoint.CheckpointProperties;
import dev.resilientrpc.autoconfigure.client.RpcClientProperties;
import dev.resilientrpc.autoconfigure.loadbalancer.LoadBalancerProperties;
import dev.resilientrpc.checkpoint.CheckpointManager;
import dev.resilientrpc.checkpoint.CheckpointStore;
import dev.resilientrpc.checkpoint.CommandReplayer;
import dev.resilientrpc.checkpoint.Durability;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.StaticServiceInstances;
import dev.resilientrpc.failover.FailoverServerInterceptor;
import dev.resilientrpc.failover.PartitionLeases;
import dev.resilientrpc.failover.PartitionedState;
import dev.resilientrpc.cluster.InstanceWeights;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.RpcMethodHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of failover that keeps data: when the application holds a
 * {@link PartitionedState} named like an exported service whose instance list is known
 * (the same {@code resilient-rpc.client.services.<name>.instances}, or discovery, as
 * clients use), and checkpoints go to Redis, this node finds its own entry in the list,
 * derives its checkpoint node id from it, keeps a liveness lease in Redis and serves the
 * keys of nodes that are down from replicas of their state
 * ({@link FailoverServerInterceptor}).
 */
@AutoConfiguration(after = CheckpointAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "resilient-rpc.failover.enabled", matchIfMissing = true)
@ConditionalOnBean({ RedisConnectionFactory.class, CheckpointManager.class, PartitionedState.class })
@EnableConfigurationProperties({ FailoverProperties.class, RpcClientProperties.class, LoadBalancerProperties.class,
		CheckpointProperties.class })
public final class FailoverAutoConfiguration {

	@Bean
	FailoverMembership rpcFailoverMembership(ObjectProvider<PartitionedState<?>> states,
			ObjectProvider<ServiceInstanceSupplier> instances, RpcClientProperties clientProperties,
			LoadBalancerProperties loadBalancerProperties, FailoverProperties properties, Environment environment) {
		properties.validate();
		ServiceInstanceSupplier supplier = instances
			.getIfAvailable(() -> new StaticServiceInstances(clientProperties.instances()));
		return FailoverMembership.resolve(states.orderedStream().toList(), supplier,
				loadBalancerProperties.getVirtualNodes(),
				InstanceWeights.of(loadBalancerProperties.baseUriWeights(), supplier), properties.getInstance(),
				environment.getProperty("server.port", Integer.class));
	}

	@Bean
	CheckpointManagerBuilderCustomizer rpcFailoverNodeId(FailoverMembership membership,
			CheckpointProperties checkpointProperties) {
		return (builder) -> {
			String derived = membership.nodeId();
			if (derived == null) {
				return;
			}
			String configured = checkpointProperties.getNodeId();
			if (configured != null && !configured.equals(derived)) {
				throw new InvalidConfigurationPropertyValueException("resilient-rpc.checkpoint.node-id", configured,
						"must be unset or '" + derived + "' with failover on: other nodes find this node's "
								+ "checkpoints under the id derived from its instance URI");
			}
			builder.nodeId(derived);
		};
	}

	@Bean
	@ConditionalOnMissingBean
	PartitionLeases rpcPartitionLeases(RedisConnectionFactory connectionFactory,
			CheckpointProperties checkpointProperties) {
		return new PartitionLeases(connectionFactory, checkpointProperties.getKeyPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	FailoverServerInterceptor rpcFailoverServerInterceptor(FailoverMembership membership, CheckpointStore store,
			PartitionLeases leases, CheckpointProperties checkpointProperties, FailoverProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<JsonRpcServer> server) {
		ObjectMapper mapper = RpcJsonMapper.from(jsonMapper);
		int replicas = (checkpointProperties.getDurability() == Durability.REPLICATED)
				? checkpointProperties.getReplicas() : 0;
		return new FailoverServerInterceptor(membership.services(), store, leases, mapper,
				() -> replayer(server.getObject(), mapper),
				new FailoverServerInterceptor.Options(properties.getRetryAfter(), properties.getLockTimeout(),
						checkpointProperties.getRememberedCalls(), replicas,
						checkpointProperties.getReplicationTimeout(), properties.getLeaseTime()));
	}

	@Bean
	FailoverLifecycle rpcFailoverLifecycle(FailoverMembership membership, PartitionLeases leases,
			CheckpointManager manager, FailoverProperties properties) {
		String nodeId = membership.nodeId();
		List<String> names = membership.services()
			.stream()
			.map((service) -> service.state().getCheckpointName())
			.toList();
		return new FailoverLifecycle(leases, manager, (nodeId != null) ? nodeId : "unused", names,
				properties.getLeaseTime(), properties.getLeaseRefresh());
	}

	private static CommandReplayer replayer(JsonRpcServer server, ObjectMapper mapper) {
		return (method, params) -> {
			Object result = server.invokeWithoutInterceptors(method, mapper.readTree(params));
			RpcMethodHandler handler = server.getRegistry().find(method);
			boolean isVoid = handler == null || handler.getMethod().getReturnType() == void.class;
			return isVoid ? null : mapper.writeValueAsBytes(result);
		};
	}

}
