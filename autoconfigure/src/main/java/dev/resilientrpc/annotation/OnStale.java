package dev.resilientrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.resilientrpc.annotation.StalePolicy;

/**
 * Chooses what the server does with a stale call of an exported method: one whose
 * {@code Rpc-Timestamp} is not above the high-water mark of its {@code Rpc-Ordering-Key}.
 * Put it on a method of the exported interface, or on the interface for all its methods.
 *
 * <pre class="code">
 * public interface KvApi {
 *     &#64;OnStale(StalePolicy.IGNORE)   // last writer wins: a late put is acknowledged, not applied
 *     void put(&#64;RoutingKey String key, String value);
 * }
 * </pre>
 *
 * <p>
 * The properties {@code resilient-rpc.ordering.services.<service>.stale-policy} and
 * {@code resilient-rpc.ordering.services.<service>.methods.<method>.stale-policy}
 * override the annotation at the same level; a method's setting beats its service's,
 * which beats {@code resilient-rpc.ordering.stale-policy}.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnStale {

	/**
	 * The policy.
	 * @return the policy
	 */
	StalePolicy value();

}
