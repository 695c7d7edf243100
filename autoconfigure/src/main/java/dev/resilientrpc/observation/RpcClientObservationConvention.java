package dev.resilientrpc.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of client calls. A bean of this type replaces
 * {@link DefaultRpcClientObservationConvention}; extend that to add a key.
 */
public interface RpcClientObservationConvention extends ObservationConvention<RpcClientObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof RpcClientObservationContext;
	}

}
