package dev.resilientrpc.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.protocol.RpcErrorException;

/**
 * Scripts of the fault-injecting server, by id, and a journal of what arrived. The n-th
 * call with an id runs the n-th step; past the end the last step repeats.
 */
public final class Faults {

	private static final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();

	private static final Map<String, List<Arrival>> journal = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> rejectedByHost = new ConcurrentHashMap<>();

	private Faults() {
	}

	/**
	 * Set the script of an id.
	 * @param id the id
	 * @param steps the steps
	 */
	public static void script(String id, Step... steps) {
		scripts.put(id, List.of(steps));
		journal.remove(id);
	}

	/**
	 * Return the calls that arrived for an id, in order.
	 * @param id the id
	 * @return the arrivals
	 */
	public static List<Arrival> arrivals(String id) {
		List<Arrival> arrivals = journal.get(id);
		if (arrivals == null) {
			return List.of();
		}
		synchronized (arrivals) {
			return List.copyOf(arrivals);
		}
	}

	/**
	 * Count a request that a host refused with HTTP 502.
	 * @param host the host
	 */
	public static void rejected(String host) {
		rejectedByHost.computeIfAbsent(host, (key) -> new AtomicInteger()).incrementAndGet();
	}

	/**
	 * Return how many requests a host refused with HTTP 502.
	 * @param host the host
	 * @return the count
	 */
	public static int rejectedBy(String host) {
		AtomicInteger count = rejectedByHost.get(host);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Run the next step of a script.
	 * @param id the id
	 * @param arrival what arrived
	 * @return the result
	 */
	public static String run(String id, Arrival arrival) {
		List<Arrival> arrivals = journal.computeIfAbsent(id, (key) -> new ArrayList<>());
		int index;
		synchronized (arrivals) {
			index = arrivals.size();
			arrivals.add(arrival);
		}
		List<Step> steps = scripts.getOrDefault(id, List.of(new Ok()));
		Step step = steps.get(Math.min(index, steps.size() - 1));
		return step.run(id);
	}

	/**
	 * What arrived at the server.
	 *
	 * @param attempt the Rpc-Attempt header
	 * @param idempotencyKey the Idempotency-Key header
	 * @param timeout the Rpc-Timeout header
	 * @param host the host the request was sent to
	 */
	public record Arrival(@Nullable String attempt, @Nullable String idempotencyKey, @Nullable String timeout,
			String host) {
	}

	/**
	 * One step of a script.
	 */
	public sealed interface Step permits Ok, Fail, Delay, Throw {

		/**
		 * Run the step.
		 * @param id the script id
		 * @return the result
		 */
		String run(String id);

	}

	/**
	 * Answer "ok id".
	 */
	public record Ok() implements Step {

		@Override
		public String run(String id) {
			return "ok " + id;
		}

	}

	/**
	 * Answer a JSON-RPC error.
	 *
	 * @param code the code
	 * @param retryAfterMillis the Retry-After to send (for -32002), 0 for none
	 */
	public record Fail(int code, long retryAfterMillis) implements Step {

		/**
		 * Answer a JSON-RPC error without Retry-After.
		 * @param code the code
		 */
		public Fail(int code) {
			this(code, 0);
		}

		@Override
		public String run(String id) {
			throw new RpcErrorException(this.code, "scripted failure", Map.of("id", id),
					(this.retryAfterMillis > 0) ? this.retryAfterMillis : null);
		}

	}

	/**
	 * Answer "ok id" after a delay.
	 *
	 * @param millis the delay
	 */
	public record Delay(long millis) implements Step {

		@Override
		public String run(String id) {
			try {
				Thread.sleep(this.millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return "ok " + id;
		}

	}

	/**
	 * Throw an application exception.
	 *
	 * @param exception the exception
	 */
	public record Throw(RuntimeException exception) implements Step {

		@Override
		public String run(String id) {
			throw this.exception;
		}

	}

}
