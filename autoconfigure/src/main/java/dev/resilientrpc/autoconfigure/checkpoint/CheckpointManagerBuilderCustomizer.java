package dev.resilientrpc.autoconfigure.checkpoint;

import dev.resilientrpc.checkpoint.CheckpointManager;

/**
 * Customizes the {@link CheckpointManager.Builder} after the properties have been applied
 * (in {@link org.springframework.core.Ordered order}), for example to derive the node id
 * from the node's place in its service's instance list, as failover does.
 */
@FunctionalInterface
public interface CheckpointManagerBuilderCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder
	 */
	void customize(CheckpointManager.Builder builder);

}
