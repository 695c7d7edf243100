package dev.resilientrpc.client;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.observation.DefaultRpcClientObservationConvention;
import dev.resilientrpc.observation.RpcClientObservationContext;
import dev.resilientrpc.observation.RpcClientObservationConvention;
import dev.resilientrpc.observation.RpcObservationDocumentation;

import org.springframework.core.annotation.AnnotationAwareOrderComparator;

/**
 * Runs client calls through the ordered interceptor chain and the transport. One instance
 * serves every proxy of an application.
 *
 * <p>
 * With an {@link ObservationRegistry} each logical call is one observation
 * ({@code rpc.client.call.duration}), around the whole chain, fallback included, with an
 * event per attempt; the trace context goes into the headers every attempt sends.
 */
public class RpcClient {

	private static final RpcClientObservationConvention DEFAULT_OBSERVATION_CONVENTION = new DefaultRpcClientObservationConvention();

	private static final String OBSERVATION_ATTRIBUTE = RpcClient.class.getName() + ".observation";

	private final ClientInterceptorChain chain;

	private final List<ClientInterceptor> interceptors;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable RpcClientObservationConvention observationConvention;

	/**
	 * Create a new client.
	 * @param interceptors the interceptors, in any order: they are sorted by
	 * {@link ClientInterceptor#getOrder()}
	 * @param transport the transport that sends each attempt
	 */
	public RpcClient(List<? extends ClientInterceptor> interceptors, RpcTransport transport) {
		List<ClientInterceptor> sorted = new ArrayList<>(interceptors);
		AnnotationAwareOrderComparator.sort(sorted);
		this.interceptors = List.copyOf(sorted);
		this.chain = ClientInterceptorChain.of(this.interceptors, (call) -> {
			if (call.getAttribute(OBSERVATION_ATTRIBUTE) instanceof Observation observation) {
				attempt(observation, call);
			}
			return transport.send(call);
		});
	}

	/**
	 * Run a call.
	 * @param call the call
	 * @return the result
	 * @throws RpcException if the call fails
	 */
	public @Nullable Object execute(ClientCall call) {
		if (this.observationRegistry.isNoop()) {
			return this.chain.proceed(call);
		}
		Observation observation = RpcObservationDocumentation.CLIENT_CALL.observation(this.observationConvention,
				DEFAULT_OBSERVATION_CONVENTION,
				() -> new RpcClientObservationContext(call.getService(), call.getMethod().name(), call.getHeaders()),
				this.observationRegistry);
		call.setAttribute(OBSERVATION_ATTRIBUTE, observation);
		observation.start();
		try (Observation.Scope scope = observation.openScope()) {
			return this.chain.proceed(call);
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof RpcRemoteException remote
					&& observation.getContext() instanceof RpcClientObservationContext context) {
				context.setErrorCode(remote.getCode());
			}
			observation.error(ex);
			throw ex;
		}
		finally {
			ServiceInstance target = call.getTarget();
			if (target != null && observation.getContext() instanceof RpcClientObservationContext context) {
				context.setServer(target.endpoint());
			}
			observation.stop();
		}
	}

	private static void attempt(Observation observation, ClientCall call) {
		if (observation.getContext() instanceof RpcClientObservationContext context) {
			context.addAttempt();
		}
		ServiceInstance target = call.getTarget();
		observation.event(Observation.Event.of(RpcObservationDocumentation.ClientEvents.ATTEMPT.getName(),
				"attempt " + call.getAttempt() + ((target != null) ? " to " + target.endpoint() : "")));
	}

	/**
	 * Record an observation of every logical call in a registry, named and tagged by the
	 * default convention unless one is set. Without a registry nothing is observed.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Name and tag the observations of calls with a convention of one's own.
	 * @param observationConvention the convention, or {@code null} for the default one
	 */
	public void setObservationConvention(@Nullable RpcClientObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Return the interceptors in the order they run.
	 * @return the interceptors
	 */
	public List<ClientInterceptor> getInterceptors() {
		return this.interceptors;
	}

}
