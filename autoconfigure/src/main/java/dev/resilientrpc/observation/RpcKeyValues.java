package dev.resilientrpc.observation;

import java.net.URI;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.observation.RpcObservationDocumentation.HighCardinalityKeyNames;
import dev.resilientrpc.observation.RpcObservationDocumentation.LowCardinalityKeyNames;

/**
 * The key values client and server conventions share.
 */
final class RpcKeyValues {

	static final String SYSTEM = "jsonrpc";

	private static final KeyValue SYSTEM_NAME = KeyValue.of(LowCardinalityKeyNames.RPC_SYSTEM_NAME, SYSTEM);

	private static final KeyValue STATUS_OK = KeyValue.of(LowCardinalityKeyNames.RPC_RESPONSE_STATUS_CODE, "OK");

	private static final KeyValue STATUS_NONE = KeyValue.of(LowCardinalityKeyNames.RPC_RESPONSE_STATUS_CODE, "NONE");

	private static final KeyValue NO_ERROR = KeyValue.of(LowCardinalityKeyNames.ERROR_TYPE, "none");

	private RpcKeyValues() {
	}

	static KeyValues lowCardinality(RpcCallContext context) {
		return KeyValues.of(SYSTEM_NAME, KeyValue.of(LowCardinalityKeyNames.RPC_METHOD, context.getMethod()),
				status(context), errorType(context));
	}

	static KeyValues highCardinality(RpcCallContext context) {
		URI server = context.getServer();
		String host = (server != null) ? server.getHost() : null;
		if (server == null || host == null) {
			return KeyValues.empty();
		}
		KeyValue address = KeyValue.of(HighCardinalityKeyNames.SERVER_ADDRESS, host);
		int port = server.getPort();
		return (port != -1) ? KeyValues.of(address, KeyValue.of(HighCardinalityKeyNames.SERVER_PORT, port + ""))
				: KeyValues.of(address);
	}

	private static KeyValue status(RpcCallContext context) {
		Integer code = context.getErrorCode();
		if (code != null) {
			return KeyValue.of(LowCardinalityKeyNames.RPC_RESPONSE_STATUS_CODE, code.toString());
		}
		return (context.getError() != null) ? STATUS_NONE : STATUS_OK;
	}

	private static KeyValue errorType(RpcCallContext context) {
		Integer code = context.getErrorCode();
		if (code != null) {
			return KeyValue.of(LowCardinalityKeyNames.ERROR_TYPE, code.toString());
		}
		@Nullable Throwable error = context.getError();
		return (error != null) ? KeyValue.of(LowCardinalityKeyNames.ERROR_TYPE, error.getClass().getName()) : NO_ERROR;
	}

}
