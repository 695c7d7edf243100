package dev.resilientrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of an exported service interface whose calls the server does not order
 * or deduplicate although they carry a routing key: typically a read, which must go to
 * the key's owner (so it keeps its {@link RoutingKey @RoutingKey}) but must not be
 * refused as stale ({@code -32001}) when a write of the same key with a later timestamp
 * ran first, and needs no idempotency record because running it twice changes nothing.
 *
 * <pre class="code">
 * public interface KvApi {
 *     &#64;Mutating
 *     String put(&#64;RoutingKey String key, String value);
 *     &#64;Unordered
 *     String get(&#64;RoutingKey String key);
 * }
 * </pre>
 *
 * <p>
 * Such a call sees the state as the calls admitted before it left it; it may run while a
 * write of its key runs on this node.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Unordered {

}
