package dev.resilientrpc.observation;

import io.micrometer.common.KeyValues;

/**
 * The default names and keys of client call observations: name
 * {@code rpc.client.call.duration}, contextual (span) name the method ({@code kv.put}),
 * low-cardinality keys {@code rpc.system.name}, {@code rpc.method},
 * {@code rpc.response.status_code}, {@code error.type}, high-cardinality keys
 * {@code server.address}, {@code server.port}.
 */
public class DefaultRpcClientObservationConvention implements RpcClientObservationConvention {

	/** The name of the observation, hence of its timer. */
	public static final String NAME = "rpc.client.call.duration";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(RpcClientObservationContext context) {
		return context.getMethod();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RpcClientObservationContext context) {
		return RpcKeyValues.lowCardinality(context);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(RpcClientObservationContext context) {
		return RpcKeyValues.highCardinality(context);
	}

}
