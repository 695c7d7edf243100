package dev.resilientrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a {@link ResilientRpc @ResilientRpc} method whose value routes
 * the call: its string form picks the instance on the hash ring and travels as the
 * {@code Rpc-Ordering-Key} header, so calls with the same key run in timestamp order.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RoutingKey {

}
