package dev.resilientrpc.server;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TSFBuilder;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.resilientrpc.observation.DefaultRpcServerObservationConvention;
import dev.resilientrpc.observation.RpcObservationDocumentation;
import dev.resilientrpc.observation.RpcServerObservationContext;
import dev.resilientrpc.observation.RpcServerObservationConvention;
import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;

/**
 * Processes JSON-RPC 2.0 request bodies as the specification says: single requests,
 * batches, notifications, positional and named params, and the standard error codes.
 * Transport-neutral: {@link JsonRpcServlet} adapts it to HTTP.
 *
 * <p>
 * Params bind to the declared parameter types of the exported method with Jackson
 * (generic types included, no polymorphic typing, no coercion of scalars from strings).
 * An exception thrown by the method becomes error {@code -32000} with its class and
 * message in {@code data}; an {@link RpcErrorException} becomes the error it describes.
 * No stack trace ever leaves the server.
 *
 * <p>
 * With an {@link ObservationRegistry} each request is one observation
 * ({@code rpc.server.call.duration}, see {@link RpcObservationDocumentation#SERVER_CALL})
 * that continues the caller's trace from the request headers.
 */
public final class JsonRpcServer {

	private static final Log logger = LogFactory.getLog(JsonRpcServer.class);

	private static final byte[] RESULT_PREFIX = "{\"jsonrpc\":\"2.0\",\"result\":".getBytes(StandardCharsets.UTF_8);

	private static final RpcServerObservationConvention DEFAULT_OBSERVATION_CONVENTION = new DefaultRpcServerObservationConvention();

	private static final byte[] ID_PREFIX = ",\"id\":".getBytes(StandardCharsets.UTF_8);

	private final RpcServiceRegistry registry;

	private final ObjectMapper mapper;

	private final TokenStreamFactory requestParsers;

	private final ServerInterceptorChain chain;

	private final int maxNestingDepth;

	private final int maxBatchSize;

	private final Map<RpcMethodHandler, JavaType[]> parameterTypes = new IdentityHashMap<>();

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable RpcServerObservationConvention observationConvention;

	/**
	 * Create a new server.
	 * @param registry the exported methods
	 * @param mapper the mapper that binds params and writes results
	 * @param interceptors the interceptors, sorted by their order
	 * @param maxNestingDepth the deepest nesting of arrays and objects a request may have
	 * @param maxBatchSize the most requests one batch may hold
	 */
	public JsonRpcServer(RpcServiceRegistry registry, ObjectMapper mapper, List<ServerInterceptor> interceptors,
			int maxNestingDepth, int maxBatchSize) {
		this(registry, mapper, interceptors, maxNestingDepth, maxBatchSize,
				mapper.tokenStreamFactory().streamReadConstraints());
	}

	/**
	 * Create a new server that parses request bodies within the given constraints
	 * (string, number and name lengths), whatever the mapper's own are.
	 * @param registry the exported methods
	 * @param mapper the mapper that binds params and writes results
	 * @param interceptors the interceptors, sorted by their order
	 * @param maxNestingDepth the deepest nesting of arrays and objects a request may have
	 * @param maxBatchSize the most requests one batch may hold
	 * @param readConstraints the limits of what a request body may hold
	 */
	public JsonRpcServer(RpcServiceRegistry registry, ObjectMapper mapper, List<ServerInterceptor> interceptors,
			int maxNestingDepth, int maxBatchSize, StreamReadConstraints readConstraints) {
		this.registry = registry;
		this.mapper = mapper;
		TSFBuilder<?, ?> parsers = mapper.tokenStreamFactory().rebuild();
		parsers.streamReadConstraints(readConstraints);
		this.requestParsers = parsers.build();
		this.chain = ServerInterceptorChain.of(interceptors);
		this.maxNestingDepth = maxNestingDepth;
		this.maxBatchSize = maxBatchSize;
		for (RpcMethodHandler handler : registry.getMethods().values()) {
			JavaType[] types = new JavaType[handler.parameterCount()];
			for (int i = 0; i < types.length; i++) {
				Type type = handler.parameterType(i);
				types[i] = mapper.constructType(type);
			}
			this.parameterTypes.put(handler, types);
		}
	}

	/**
	 * Return the exported methods.
	 * @return the registry
	 */
	public RpcServiceRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * Bind params and invoke an exported method directly, without the interceptor chain,
	 * as when a logged call is replayed on recovery.
	 * @param method the JSON-RPC method name, {@code <service>.<method>}
	 * @param params the params (an array or an object), or {@code null} for none
	 * @return the method's result
	 * @throws RpcErrorException with {@code -32601} if the method is not exported, or
	 * {@code -32602} if the params do not bind
	 * @throws Exception what the method threw
	 */
	public @Nullable Object invokeWithoutInterceptors(String method, @Nullable JsonNode params) throws Exception {
		RpcMethodHandler handler = this.registry.find(method);
		if (handler == null) {
			throw new RpcErrorException(RpcErrorCodes.METHOD_NOT_FOUND, "Method not found", Map.of("method", method));
		}
		try {
			return handler.invoke(bind(handler, params));
		}
		catch (InvalidParamsException ex) {
			throw new RpcErrorException(RpcErrorCodes.INVALID_PARAMS, "Invalid params", ex.data);
		}
	}

	/**
	 * Process one request body.
	 * @param body the body, UTF-8 JSON
	 * @param length how many bytes of {@code body} to read
	 * @param headers the request headers by name
	 * @return the response; its body is {@code null} when only notifications were sent
	 */
	public Response handle(byte[] body, int length, Function<String, @Nullable String> headers) {
		if (JsonNesting.exceeds(body, length, this.maxNestingDepth)) {
			return Response.of(error(null, RpcErrorCodes.INVALID_REQUEST, "Invalid Request",
					Map.of("reason", "JSON nested deeper than " + this.maxNestingDepth + " levels")));
		}
		JsonNode root;
		try (JsonParser parser = this.requestParsers.createParser(ObjectReadContext.empty(), body, 0, length)) {
			root = this.mapper.readTree(parser);
			if (root != null && parser.nextToken() != null) {
				return Response.of(error(null, RpcErrorCodes.PARSE_ERROR, "Parse error",
						Map.of("reason", "content after the end of the JSON value")));
			}
		}
		catch (StreamConstraintsException ex) {
			// a limit, not malformed JSON: say which, so that the caller knows what to
			// change
			return Response.of(error(null, RpcErrorCodes.INVALID_REQUEST, "Invalid Request",
					Map.of("reason", "request exceeds a limit: " + ex.getOriginalMessage())));
		}
		catch (JacksonException ex) {
			return Response.of(error(null, RpcErrorCodes.PARSE_ERROR, "Parse error",
					Map.of("reason", String.valueOf(ex.getOriginalMessage()))));
		}
		if (root == null || root.isMissingNode()) {
			return Response.of(error(null, RpcErrorCodes.PARSE_ERROR, "Parse error", Map.of("reason", "empty body")));
		}
		if (!root.isArray()) {
			return Response.of(handleOne(root, headers));
		}
		if (root.isEmpty()) {
			return Response
				.of(error(null, RpcErrorCodes.INVALID_REQUEST, "Invalid Request", Map.of("reason", "empty batch")));
		}
		if (root.size() > this.maxBatchSize) {
			return Response.of(error(null, RpcErrorCodes.INVALID_REQUEST, "Invalid Request", Map.of("reason",
					"batch of " + root.size() + " requests exceeds the limit of " + this.maxBatchSize)));
		}
		List<Outcome> outcomes = new ArrayList<>(root.size());
		for (JsonNode request : root) {
			Outcome outcome = handleOne(request, headers);
			if (outcome != null) {
				outcomes.add(outcome);
			}
		}
		if (outcomes.isEmpty()) {
			return Response.NO_CONTENT;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write('[');
		for (int i = 0; i < outcomes.size(); i++) {
			if (i > 0) {
				out.write(',');
			}
			out.writeBytes(outcomes.get(i).json());
		}
		out.write(']');
		return new Response(200, out.toByteArray(), null);
	}

	private @Nullable Outcome handleOne(JsonNode request, Function<String, @Nullable String> headers) {
		if (!request.isObject()) {
			return error(null, RpcErrorCodes.INVALID_REQUEST, "Invalid Request",
					Map.of("reason", "a request must be a JSON object"));
		}
		JsonNode idNode = request.get("id");
		boolean notification = (idNode == null);
		JsonNode id = (idNode != null && (idNode.isString() || idNode.isNumber() || idNode.isNull())) ? idNode : null;
		String invalid = validate(request, idNode);
		if (invalid != null) {
			return error(id, RpcErrorCodes.INVALID_REQUEST, "Invalid Request", Map.of("reason", invalid));
		}
		String methodName = request.get("method").asString();
		RpcMethodHandler handler = this.registry.find(methodName);
		if (this.observationRegistry.isNoop()) {
			return execute(request, methodName, handler, id, notification, headers, Observation.NOOP);
		}
		String observed = (handler != null) ? methodName : RpcServerObservationContext.UNKNOWN_METHOD;
		// behind an HTTP server observation the request's trace is continued already
		boolean inCurrentTrace = this.observationRegistry.getCurrentObservation() != null;
		Observation observation = RpcObservationDocumentation.SERVER_CALL
			.observation(this.observationConvention, DEFAULT_OBSERVATION_CONVENTION,
					() -> new RpcServerObservationContext(observed, headers, inCurrentTrace), this.observationRegistry)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			Outcome outcome = execute(request, methodName, handler, id, notification, headers, observation);
			if (outcome != null && outcome.errorCode() != 0) {
				errorCode(observation, outcome.errorCode());
			}
			return outcome;
		}
		finally {
			observation.stop();
		}
	}

	private @Nullable Outcome execute(JsonNode request, String methodName, @Nullable RpcMethodHandler handler,
			@Nullable JsonNode id, boolean notification, Function<String, @Nullable String> headers,
			Observation observation) {
		if (handler == null) {
			errorCode(observation, RpcErrorCodes.METHOD_NOT_FOUND);
			return notification ? null
					: error(id, RpcErrorCodes.METHOD_NOT_FOUND, "Method not found", Map.of("method", methodName));
		}
		@Nullable Object[] arguments;
		try {
			arguments = bind(handler, request.get("params"));
		}
		catch (InvalidParamsException ex) {
			errorCode(observation, RpcErrorCodes.INVALID_PARAMS);
			return notification ? null : error(id, RpcErrorCodes.INVALID_PARAMS, "Invalid params", ex.data);
		}
		Object result;
		try {
			result = this.chain.proceed(new ServerCall(handler, arguments, headers, notification));
		}
		catch (RpcErrorException ex) {
			errorCode(observation, ex.getCode());
			observation.error(ex);
			return notification ? null
					: error(id, ex.getCode(), String.valueOf(ex.getMessage()), ex.getData(), ex.getRetryAfterMillis());
		}
		catch (Exception | LinkageError | AssertionError ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Method " + methodName + " threw", ex);
			}
			errorCode(observation, RpcErrorCodes.APPLICATION_ERROR);
			observation.error(ex);
			if (notification) {
				return null;
			}
			RpcErrorException error = applicationError(ex);
			return error(id, error.getCode(), String.valueOf(error.getMessage()), error.getData());
		}
		if (notification) {
			return null;
		}
		return success(handler, result, id);
	}

	private static void errorCode(Observation observation, int code) {
		if (observation.getContext() instanceof RpcServerObservationContext context) {
			context.setErrorCode(code);
		}
	}

	/**
	 * Record an observation of every call in a registry, named and tagged by the default
	 * convention unless one is set. Without a registry nothing is observed.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Name and tag the observations of calls with a convention of one's own.
	 * @param observationConvention the convention, or {@code null} for the default one
	 */
	public void setObservationConvention(@Nullable RpcServerObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	private static @Nullable String validate(JsonNode request, @Nullable JsonNode idNode) {
		JsonNode version = request.get("jsonrpc");
		if (version == null || !version.isString() || !"2.0".equals(version.asString())) {
			return "member 'jsonrpc' must be exactly \"2.0\"";
		}
		JsonNode method = request.get("method");
		if (method == null || !method.isString()) {
			return "member 'method' must be a string";
		}
		JsonNode params = request.get("params");
		if (params != null && !params.isArray() && !params.isObject()) {
			return "member 'params' must be an array or an object";
		}
		if (idNode != null && !idNode.isString() && !idNode.isNumber() && !idNode.isNull()) {
			return "member 'id' must be a string, a number or null";
		}
		return null;
	}

	private @Nullable Object[] bind(RpcMethodHandler handler, @Nullable JsonNode params) throws InvalidParamsException {
		JavaType[] types = this.parameterTypes.get(handler);
		if (types == null) {
			throw new IllegalStateException("Method " + handler + " is not bound to this server");
		}
		int count = types.length;
		@Nullable Object[] arguments = new Object[count];
		if (params == null || params.isArray()) {
			JsonNode positional = (params != null) ? params : this.mapper.createArrayNode();
			int given = positional.size();
			if (given != count) {
				throw new InvalidParamsException(
						Map.of("reason", handler.getName() + " takes " + count + " params, " + given + " given"));
			}
			for (int i = 0; i < count; i++) {
				arguments[i] = convert(handler, i, types[i], positional.get(i));
			}
			return arguments;
		}
		for (String name : params.propertyNames()) {
			if (indexOf(handler, name) < 0) {
				throw new InvalidParamsException(Map.of("reason", "unknown param '" + name + "'", "param", name));
			}
		}
		for (int i = 0; i < count; i++) {
			arguments[i] = convert(handler, i, types[i], params.get(handler.parameterName(i)));
		}
		return arguments;
	}

	private static int indexOf(RpcMethodHandler handler, String name) {
		for (int i = 0; i < handler.parameterCount(); i++) {
			if (handler.parameterName(i).equals(name)) {
				return i;
			}
		}
		return -1;
	}

	private @Nullable Object convert(RpcMethodHandler handler, int index, JavaType type, @Nullable JsonNode value)
			throws InvalidParamsException {
		String name = handler.parameterName(index);
		if (value == null || value.isNull()) {
			if (type.isPrimitive()) {
				throw new InvalidParamsException(Map.of("reason", "param '" + name + "' of type " + type.toCanonical()
						+ " must not be " + ((value == null) ? "missing" : "null"), "param", name));
			}
			return null;
		}
		try {
			return this.mapper.treeToValue(value, type);
		}
		catch (JacksonException ex) {
			throw new InvalidParamsException(Map.of("reason",
					"param '" + name + "' is not a valid " + type.toCanonical() + ": " + ex.getOriginalMessage(),
					"param", name));
		}
	}

	/**
	 * Return the error the server answers with when a method throws something other than
	 * an {@link RpcErrorException}: code {@code -32000} with the exception's class and
	 * message in {@code data}, never its stack trace.
	 * @param ex what the method threw
	 * @return the error
	 */
	public static RpcErrorException applicationError(Throwable ex) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("exception", ex.getClass().getName());
		data.put("message", ex.getMessage());
		return new RpcErrorException(RpcErrorCodes.APPLICATION_ERROR, "Application error", data);
	}

	/**
	 * Return the error the server answers with when the result of a method cannot be
	 * written as JSON.
	 * @param method the JSON-RPC method name
	 * @return the error
	 */
	public static RpcErrorException unwritableResult(String method) {
		return new RpcErrorException(RpcErrorCodes.INTERNAL_ERROR, "Internal error",
				Map.of("reason", "result of " + method + " cannot be written as JSON"));
	}

	private Outcome success(RpcMethodHandler handler, @Nullable Object result, @Nullable JsonNode id) {
		byte[] resultJson;
		if (result instanceof SerializedResult serialized) {
			resultJson = serialized.json();
		}
		else {
			try {
				resultJson = this.mapper.writeValueAsBytes(result);
			}
			catch (JacksonException ex) {
				logger.warn("Cannot write the result of " + handler.getName() + " as JSON", ex);
				RpcErrorException error = unwritableResult(handler.getName());
				return error(id, error.getCode(), String.valueOf(error.getMessage()), error.getData());
			}
		}
		byte[] idJson = this.mapper.writeValueAsBytes(id);
		byte[] json = new byte[RESULT_PREFIX.length + resultJson.length + ID_PREFIX.length + idJson.length + 1];
		int position = 0;
		System.arraycopy(RESULT_PREFIX, 0, json, position, RESULT_PREFIX.length);
		position += RESULT_PREFIX.length;
		System.arraycopy(resultJson, 0, json, position, resultJson.length);
		position += resultJson.length;
		System.arraycopy(ID_PREFIX, 0, json, position, ID_PREFIX.length);
		position += ID_PREFIX.length;
		System.arraycopy(idJson, 0, json, position, idJson.length);
		json[json.length - 1] = '}';
		return new Outcome(json, 0, null);
	}

	/**
	 * Write a JSON-RPC error response with a {@code null} id, for requests refused before
	 * processing.
	 * @param code the error code
	 * @param message the error message
	 * @param data the {@code data} member
	 * @return the response body
	 */
	public byte[] errorBody(int code, String message, Map<String, ?> data) {
		return error(null, code, message, data).json();
	}

	private Outcome error(@Nullable JsonNode id, int code, String message, Map<String, ?> data) {
		return error(id, code, message, data, null);
	}

	private Outcome error(@Nullable JsonNode id, int code, String message, Map<String, ?> data,
			@Nullable Long retryAfterMillis) {
		ObjectNode response = this.mapper.createObjectNode();
		response.put("jsonrpc", "2.0");
		ObjectNode error = response.putObject("error");
		error.put("code", code);
		error.put("message", message);
		error.set("data", this.mapper.valueToTree(data));
		if (id != null) {
			response.set("id", id);
		}
		else {
			response.putNull("id");
		}
		return new Outcome(this.mapper.writeValueAsBytes(response), code, retryAfterMillis);
	}

	private record Outcome(byte[] json, int errorCode, @Nullable Long retryAfterMillis) {
	}

	private static final class InvalidParamsException extends Exception {

		private final Map<String, ?> data;

		InvalidParamsException(Map<String, ?> data) {
			super(null, null, false, false);
			this.data = data;
		}

	}

	/**
	 * What to answer: an HTTP status, a body ({@code null} for none) and, for an
	 * overloaded server, how long the caller should wait.
	 *
	 * @param status the HTTP status
	 * @param body the JSON body or {@code null}
	 * @param retryAfterMillis the delay before a retry or {@code null}
	 */
	public record Response(int status, byte @Nullable [] body, @Nullable Long retryAfterMillis) {

		static final Response NO_CONTENT = new Response(204, null, null);

		static Response of(@Nullable Outcome outcome) {
			if (outcome == null) {
				return NO_CONTENT;
			}
			if (outcome.errorCode() == RpcErrorCodes.OVERLOADED) {
				return new Response(503, outcome.json(), outcome.retryAfterMillis());
			}
			return new Response(200, outcome.json(), null);
		}

	}

}
