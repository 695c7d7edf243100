package dev.resilientrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exports a Spring bean as a JSON-RPC service: the public methods of its exported
 * interface become callable as {@code <service>.<method>} at the server endpoint. Only
 * methods of that interface are callable, never other public methods of the bean. The
 * annotation does not make the class a bean: declare it with {@code @Service},
 * {@code @Component} or a {@code @Bean} method.
 *
 * @see ResilientRpc
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcService {

	/**
	 * Name of the service, the prefix of its JSON-RPC method names.
	 * @return the service name
	 */
	String value();

	/**
	 * Interface whose methods are exported. Needed only when the bean implements more
	 * than one application interface.
	 * @return the exported interface, or {@code void.class} to detect it
	 */
	Class<?> api() default void.class;

}
