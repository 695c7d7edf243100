package dev.resilientrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a JSON-RPC client of a remote service. Interfaces carrying this
 * annotation in the application's packages (those of {@code @SpringBootApplication}) become
 * proxy beans; each abstract method call becomes one JSON-RPC request to
 * {@code <service>.<method>}.
 *
 * <pre class="code">
 * &#64;ResilientRpc(service = "kv")
 * public interface KvClient {
 *     void put(String key, String value);
 *     String get(String key);
 * }
 * </pre>
 *
 * @see RpcService
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ResilientRpc {

	/**
	 * Name of the remote service, as configured under
	 * {@code resilient-rpc.client.services.<name>} and exported by a server with
	 * {@link RpcService @RpcService}. Required on an interface, ignored on a method.
	 * @return the service name
	 */
	String service() default "";

	/**
	 * SpEL expression over the method's arguments that gives the routing key, such as
	 * {@code "#order.id"} ({@code #p0}, {@code #a0} and {@code #root[0]} name the first
	 * argument). Its string form routes the call like a {@link RoutingKey @RoutingKey} argument,
	 * which a method with a key expression must not have. Ignored on an interface.
	 * @return the key expression, or empty for none
	 */
	String key() default "";

}
