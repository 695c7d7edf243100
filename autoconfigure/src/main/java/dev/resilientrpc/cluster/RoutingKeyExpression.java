package dev.resilientrpc.cluster;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.annotation.RoutingKey;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.StringUtils;

/**
 * The routing key of a method given as a SpEL expression over its arguments, in
 * {@link ResilientRpc#key() @ResilientRpc(key = "#order.id")}. Parsed once when the proxy
 * is created; evaluated once per call.
 */
public final class RoutingKeyExpression {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Method method;

	private final Expression expression;

	private RoutingKeyExpression(Method method, Expression expression) {
		this.method = method;
		this.expression = expression;
	}

	/**
	 * Return the key expression of a method.
	 * @param method the method
	 * @return its expression, or {@code null} if its {@code @ResilientRpc} has no key
	 * @throws IllegalArgumentException if the expression does not parse, or the method
	 * also has a {@link RoutingKey @RoutingKey} parameter
	 */
	public static @Nullable RoutingKeyExpression of(Method method) {
		ResilientRpc annotation = AnnotatedElementUtils.findMergedAnnotation(method, ResilientRpc.class);
		if (annotation == null || !StringUtils.hasText(annotation.key())) {
			return null;
		}
		for (Parameter parameter : method.getParameters()) {
			if (parameter.isAnnotationPresent(RoutingKey.class)) {
				throw new IllegalArgumentException("Method " + method + " has both @ResilientRpc(key = \""
						+ annotation.key() + "\") and a @RoutingKey parameter (expected: one of them)");
			}
		}
		try {
			return new RoutingKeyExpression(method, parser.parseExpression(annotation.key()));
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("@ResilientRpc(key = \"" + annotation.key() + "\") on " + method
					+ " is not a valid SpEL expression: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Evaluate the expression for one call.
	 * @param arguments the call's arguments
	 * @return the string form of its value, or {@code null} if the value is null
	 * @throws IllegalArgumentException if the evaluation fails, for example on a null
	 * argument
	 */
	public @Nullable String evaluate(@Nullable Object[] arguments) {
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(arguments, this.method, arguments,
				parameterNames);
		try {
			Object value = this.expression.getValue(context);
			return (value != null) ? value.toString() : null;
		}
		catch (EvaluationException ex) {
			throw new IllegalArgumentException("Cannot evaluate the routing key @ResilientRpc(key = \""
					+ this.expression.getExpressionString() + "\") of " + this.method + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return this.expression.getExpressionString();
	}

}
