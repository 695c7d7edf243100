package dev.resilientrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a JSON-RPC client of a remote service. Interfaces carrying this
 * annotation in the application's packages (those of {@code @SpringBootApplication})
 * become proxy beans; each abstract method call becomes one JSON-RPC request to
 * {@code <service>.<method>}.
 *
 * <pre class="code">
 * &#64;ResilientRpc(service = "kv")
 * public interface KvClient {
 *     &#64;ResilientRpc(retry = "writes", timeout = "2s")
 *     void put(String key, String value);
 *
 *     &#64;ResilientRpc(idempotent = true, fallback = "cachedGet")
 *     String get(String key);
 *
 *     default String cachedGet(String key, RpcException ex) {
 *         return "";
 *     }
 * }
 * </pre>
 *
 * <p>
 * On an interface, {@link #retry()}, {@link #idempotent()} and {@link #timeout()} apply
 * to every method; on a method they override the interface's. {@link #fallback()} is only
 * allowed on a method.
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
	 * argument). Its string form routes the call like a {@link RoutingKey @RoutingKey}
	 * argument, which a method with a key expression must not have. Ignored on an
	 * interface.
	 * @return the key expression, or empty for none
	 */
	String key() default "";

	/**
	 * Name of the retry policy, as configured under
	 * {@code resilient-rpc.retry.policies.<name>}. Empty to use the service's policy
	 * ({@code resilient-rpc.client.services.<name>.retry}) or else the {@code default}
	 * policy. A name that is not defined fails the startup.
	 * @return the retry policy name
	 */
	String retry() default "";

	/**
	 * Whether the call is safe to repeat even when it may have run already, so that
	 * timeouts, HTTP 5xx answers and the retryable JSON-RPC errors ({@code -32002},
	 * {@code -32004}) are retried. Connection failures are retried in any case.
	 * @return whether the call is idempotent
	 */
	boolean idempotent() default false;

	/**
	 * Total deadline of a call, such as {@code "500ms"}, {@code "2s"} or {@code "PT2S"}:
	 * time for every attempt and every wait between them. Empty to use the retry policy's
	 * {@code timeout}. Remaining time travels to the server in the {@code Rpc-Timeout}
	 * header.
	 * @return the deadline as a duration string
	 */
	String timeout() default "";

	/**
	 * Method called instead of throwing when the call fails: the name of a default method
	 * of the interface, or {@code "beanName::methodName"} for a method of a bean. It
	 * takes the original arguments followed by the exception (a type the failure must be
	 * an instance of) and returns what the method returns. Only on a method.
	 * @return the fallback method
	 */
	String fallback() default "";

}
