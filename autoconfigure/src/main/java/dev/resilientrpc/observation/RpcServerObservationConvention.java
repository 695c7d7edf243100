package dev.resilientrpc.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of server calls. A bean of this type replaces
 * {@link DefaultRpcServerObservationConvention}; extend that to add a key.
 */
public interface RpcServerObservationConvention extends ObservationConvention<RpcServerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof RpcServerObservationContext;
	}

}
