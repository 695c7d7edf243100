package dev.resilientrpc.ordering;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.node.ObjectNode;

import dev.resilientrpc.protocol.RpcErrorCodes;
import dev.resilientrpc.protocol.RpcErrorException;
import dev.resilientrpc.server.JsonRpcServer;
import dev.resilientrpc.server.SerializedResult;
import dev.resilientrpc.server.ServerCall;

/**
 * How a call is remembered so that its retries get the same answer without running it
 * again: the fingerprint that tells a retry from a reuse of its {@code Idempotency-Key},
 * and its outcome (result or error) as the JSON the server answered with. Shared by the
 * stores of this package and by checkpointed state, which records its calls itself.
 */
public final class CallOutcomes {

	private static final int FINGERPRINT_BYTES = 16;

	private final ObjectMapper mapper;

	private final ObjectMapper fingerprintMapper;

	private final MessageDigest digestPrototype;

	/**
	 * Create the codec.
	 * @param mapper the mapper the server writes results with, so that a stored result is
	 * the very JSON the first attempt was answered with
	 */
	public CallOutcomes(ObjectMapper mapper) {
		this.mapper = mapper;
		this.fingerprintMapper = mapper.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
		try {
			this.digestPrototype = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	/**
	 * Digest the method name and the bound params (map entries sorted by key), so that a
	 * call's positional and named forms, and any whitespace, give the same fingerprint.
	 * @param call the call
	 * @return the fingerprint
	 */
	public String fingerprint(ServerCall call) {
		byte[] params;
		try {
			params = this.fingerprintMapper.writeValueAsBytes(call.getArguments());
		}
		catch (JacksonException ex) {
			params = this.mapper.writeValueAsBytes(call.getArguments());
		}
		MessageDigest digest = newDigest();
		digest.update(call.getMethod().getName().getBytes(StandardCharsets.UTF_8));
		digest.update((byte) 0);
		digest.update(params);
		byte[] hash = digest.digest();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, FINGERPRINT_BYTES));
	}

	private MessageDigest newDigest() {
		try {
			return (MessageDigest) this.digestPrototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			try {
				return MessageDigest.getInstance(this.digestPrototype.getAlgorithm());
			}
			catch (NoSuchAlgorithmException unexpected) {
				throw new IllegalStateException(unexpected);
			}
		}
	}

	/**
	 * The outcome of a call that returned normally.
	 * @param method the JSON-RPC method name
	 * @param result what it returned
	 * @return the outcome: the result's JSON, or the error the server answers with when
	 * the result cannot be written
	 */
	public StoredOutcome outcome(String method, @Nullable Object result) {
		if (result instanceof SerializedResult serialized) {
			return StoredOutcome.result(new String(serialized.json(), StandardCharsets.UTF_8));
		}
		try {
			return StoredOutcome.result(this.mapper.writeValueAsString(result));
		}
		catch (JacksonException ex) {
			return error(JsonRpcServer.unwritableResult(method));
		}
	}

	/**
	 * The outcome of a call whose method threw.
	 * @param failure what it threw
	 * @return the error the server answers with
	 */
	public StoredOutcome outcome(Throwable failure) {
		return error(
				(failure instanceof RpcErrorException rpcError) ? rpcError : JsonRpcServer.applicationError(failure));
	}

	private StoredOutcome error(RpcErrorException error) {
		ObjectNode json = this.mapper.createObjectNode();
		json.put("code", error.getCode());
		json.put("message", String.valueOf(error.getMessage()));
		json.set("data", this.mapper.valueToTree(error.getData()));
		Long retryAfter = error.getRetryAfterMillis();
		if (retryAfter != null) {
			json.put("retryAfterMillis", retryAfter);
		}
		return StoredOutcome.error(this.mapper.writeValueAsString(json));
	}

	/**
	 * Answer with a stored outcome.
	 * @param outcome the outcome
	 * @return the stored result, as the JSON to write
	 * @throws RpcErrorException the stored error
	 */
	public Object replay(StoredOutcome outcome) {
		if (!outcome.isError()) {
			return SerializedResult.of(outcome.getJsonBytes());
		}
		JsonNode error = this.mapper.readTree(outcome.getJson());
		JsonNode data = error.path("data");
		Map<String, ?> dataMap = data.isObject() ? this.mapper.convertValue(data, LinkedHashMap.class) : Map.of();
		JsonNode retryAfter = error.get("retryAfterMillis");
		throw new RpcErrorException(error.path("code").asInt(RpcErrorCodes.INTERNAL_ERROR),
				error.path("message").asString(""), dataMap,
				(retryAfter != null && retryAfter.canConvertToLong()) ? retryAfter.asLong() : null);
	}

}
