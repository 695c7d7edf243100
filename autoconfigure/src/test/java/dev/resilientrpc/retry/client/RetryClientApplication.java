package dev.resilientrpc.retry.client;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.InstanceAvailability;
import dev.resilientrpc.client.InstanceSelector;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.retry.FaultyApi;
import dev.resilientrpc.retry.VirtualTime;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The client application of the retry tests: one interface per service, each service with
 * its own policy (see {@code RetryFixture}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RetryClientApplication {

	@Bean
	VirtualTime virtualTime() {
		return new VirtualTime();
	}

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	AvailableFirstSelector availableFirstSelector(ServiceInstanceSupplier instances,
			ObjectProvider<InstanceAvailability> availability) {
		return new AvailableFirstSelector(instances, availability.orderedStream().toList());
	}

	@Bean
	Fallbacks fallbacks() {
		return new Fallbacks();
	}

	/**
	 * Sends each attempt to the first instance, in configured order, that every
	 * {@link InstanceAvailability} reports available, as the load balancer does with its
	 * ring.
	 */
	static final class AvailableFirstSelector implements InstanceSelector {

		private final ServiceInstanceSupplier instances;

		private final List<InstanceAvailability> availability;

		AvailableFirstSelector(ServiceInstanceSupplier instances, List<InstanceAvailability> availability) {
			this.instances = instances;
			this.availability = availability;
		}

		@Override
		public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
			List<ServiceInstance> candidates = this.instances.getInstances(call.getService());
			ServiceInstance target = candidates.get(0);
			for (ServiceInstance candidate : candidates) {
				if (this.availability.stream().allMatch((check) -> check.isAvailable(candidate))) {
					target = candidate;
					break;
				}
			}
			call.setTarget(target);
			return chain.proceed(call);
		}

		@Override
		public int getOrder() {
			return InterceptorOrder.Client.INSTANCE_SELECTION;
		}

	}

	/** A bean holding a fallback. */
	public static class Fallbacks {

		public String readFallback(String id, RuntimeException ex) {
			return "bean fallback " + id + ": " + ex.getClass().getSimpleName();
		}

	}

	/** Fixed back-off. */
	@ResilientRpc(service = "faulty", retry = "fixed")
	public interface FixedClient extends FaultyApi {

	}

	/** Random back-off. */
	@ResilientRpc(service = "faulty", retry = "random")
	public interface RandomClient extends FaultyApi {

	}

	/** Exponential back-off without jitter. */
	@ResilientRpc(service = "faulty", retry = "exponential")
	public interface ExponentialClient extends FaultyApi {

	}

	/** Exponential back-off with jitter. */
	@ResilientRpc(service = "faulty", retry = "jittery")
	public interface JitteryClient extends FaultyApi {

	}

	/** The default policy. */
	@ResilientRpc(service = "faulty")
	public interface PlainClient extends FaultyApi {

	}

	/** A service whose server deduplicates: every method is safe to repeat. */
	@ResilientRpc(service = "dedup")
	public interface DedupClient extends FaultyApi {

	}

	/** A service that is down. */
	@ResilientRpc(service = "down")
	public interface DownClient extends FaultyApi {

	}

	/** A service that is down, with a small budget. */
	@ResilientRpc(service = "outage")
	public interface OutageClient extends FaultyApi {

	}

	/** Three instances, the first of which answers HTTP 502. */
	@ResilientRpc(service = "cluster")
	public interface ClusterClient extends FaultyApi {

	}

	/** A policy with a total deadline. */
	@ResilientRpc(service = "faulty", retry = "deadline")
	public interface DeadlineClient extends FaultyApi {

	}

	/** A policy with a total deadline, overridden by the interface's timeout. */
	@ResilientRpc(service = "faulty", retry = "deadline", timeout = "2s")
	public interface TimedClient extends FaultyApi {

	}

	/** A policy with an attempt timeout. */
	@ResilientRpc(service = "faulty", retry = "patient")
	public interface PatientClient extends FaultyApi {

	}

	/** A server that closes every connection. */
	@ResilientRpc(service = "closing")
	public interface ClosingClient extends FaultyApi {

	}

	/** Fallbacks. */
	@ResilientRpc(service = "faulty")
	public interface RecoveringClient {

		@ResilientRpc(fallback = "recover")
		String call(String id);

		@ResilientRpc(idempotent = true, fallback = "fallbacks::readFallback")
		String read(String id);

		default String recover(String id, RpcRemoteException ex) {
			return "recovered " + id + " from " + ex.getCode();
		}

		default String recover(String id, Throwable ex) {
			return "recovered " + id + " from " + ex.getClass().getSimpleName();
		}

	}

}
