package dev.resilientrpc.sample.node;

import dev.resilientrpc.checkpoint.CheckpointedMap;
import dev.resilientrpc.slot.PartitionedState;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A kv node: a web application exporting {@link KvNode} at {@code /rpc}, its entries
 * checkpointed to the Redis of {@code spring.data.redis.*} under a node id derived from
 * its own entry in {@code resilient-rpc.client.services.kv.instances}, and failed over to
 * the next node on the ring while it is down.
 */
@SpringBootApplication
public class KvNodeApplication {

	@Bean
	PartitionedState<CheckpointedMap<String, String>> kvState() {
		return new PartitionedState<>(() -> new CheckpointedMap<>("kv", String.class, String.class));
	}

	@Bean
	KvNode kvNode(PartitionedState<CheckpointedMap<String, String>> kvState) {
		return new KvNode(kvState);
	}

}
