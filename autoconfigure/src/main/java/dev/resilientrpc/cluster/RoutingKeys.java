package dev.resilientrpc.cluster;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RoutingKey;

/**
 * How the calls of a method name their routing key: its {@link RoutingKey @RoutingKey}
 * parameter, or the SpEL key of its {@code @ResilientRpc}, found once per method and read
 * per call, the same way by a client that routes a call and by a server that checks where
 * it belongs.
 */
public final class RoutingKeys {

	private final int index;

	private final @Nullable RoutingKeyExpression expression;

	private RoutingKeys(int index, @Nullable RoutingKeyExpression expression) {
		this.index = index;
		this.expression = expression;
	}

	/**
	 * Find how a method's calls name their routing key.
	 * @param method the method
	 * @return the routing keys of its calls
	 * @throws IllegalArgumentException if it has more than one {@code @RoutingKey}
	 * parameter, or one and a SpEL key, or a SpEL key that does not parse
	 */
	public static RoutingKeys of(Method method) {
		return new RoutingKeys(index(method), RoutingKeyExpression.of(method));
	}

	/**
	 * Return the index of a method's {@link RoutingKey @RoutingKey} parameter.
	 * @param method the method
	 * @return the index, or {@code -1} if it has none
	 * @throws IllegalArgumentException if it has more than one
	 */
	public static int index(Method method) {
		int index = -1;
		for (int i = 0; i < method.getParameterCount(); i++) {
			if (method.getParameters()[i].isAnnotationPresent(RoutingKey.class)) {
				if (index >= 0) {
					throw new IllegalArgumentException("Method " + method + " has more than one @RoutingKey parameter");
				}
				index = i;
			}
		}
		return index;
	}

	/**
	 * Whether the method's calls have a routing key.
	 * @return whether a parameter or an expression names it
	 */
	public boolean isDefined() {
		return this.index >= 0 || this.expression != null;
	}

	/**
	 * Return the routing key of a call.
	 * @param arguments the call's arguments
	 * @return the key's string form, or {@code null} if the method names none or its
	 * value is null
	 * @throws IllegalArgumentException if the key expression cannot be evaluated
	 */
	public @Nullable String keyOf(@Nullable Object[] arguments) {
		if (this.expression != null) {
			return this.expression.evaluate(arguments);
		}
		Object key = (this.index >= 0 && this.index < arguments.length) ? arguments[this.index] : null;
		return (key != null) ? key.toString() : null;
	}

}
