package dev.resilientrpc.observation;

import io.micrometer.common.KeyValues;

/**
 * The default names and keys of server call observations: name
 * {@code rpc.server.call.duration}, contextual (span) name the method ({@code kv.put}),
 * low-cardinality keys {@code rpc.system.name}, {@code rpc.method},
 * {@code rpc.response.status_code}, {@code error.type}, high-cardinality keys
 * {@code server.address}, {@code server.port} (from the request's {@code Host}).
 */
public class DefaultRpcServerObservationConvention implements RpcServerObservationConvention {

	/** The name of the observation, hence of its timer. */
	public static final String NAME = "rpc.server.call.duration";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(RpcServerObservationContext context) {
		return context.getMethod();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RpcServerObservationContext context) {
		return RpcKeyValues.lowCardinality(context);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(RpcServerObservationContext context) {
		return RpcKeyValues.highCardinality(context);
	}

}
