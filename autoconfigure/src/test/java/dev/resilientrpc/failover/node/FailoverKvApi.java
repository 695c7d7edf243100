package dev.resilientrpc.failover.node;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.Mutating;
import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.annotation.Unordered;

/**
 * A key-value store whose {@link #append} makes every write visible in the value, so that
 * a write applied twice or lost shows.
 */
public interface FailoverKvApi {

	/**
	 * Append a token to a key's value.
	 * @param key the key
	 * @param token the token
	 * @return the new value: the tokens so far, comma-separated
	 */
	@Mutating
	String append(@RoutingKey String key, String token);

	/**
	 * Read a key.
	 * @param key the key
	 * @return the value or {@code null}
	 */
	@Unordered
	@Nullable String get(@RoutingKey String key);

	/**
	 * Return the port of the node that answered, for a call routed by the key.
	 * @param key the key
	 * @return the port
	 */
	@Unordered
	int whoami(@RoutingKey String key);

}
