package dev.resilientrpc.protocol;

/**
 * The one place that fixes the order of the client and server interceptor chains. Lower
 * values run first (outermost). Capabilities that plug into a chain take their order from
 * here, so that the order is documented and tested in one place; a user interceptor may
 * use any value in between.
 *
 * <p>
 * Client chain, per logical call: {@link Client#FALLBACK fallback} →
 * {@link Client#DEADLINE deadline} → {@link Client#BULKHEAD bulkhead} →
 * {@link Client#TIMESTAMP timestamp} → {@link Client#RETRY retry} (budget) → per attempt:
 * {@link Client#INSTANCE_SELECTION pick instance} → {@link Client#CIRCUIT_BREAKER breaker
 * of that instance} → HTTP transport. The fallback sees the final outcome of a call. The
 * timestamp sits outside the retry so that every retry, hedge and failover of a call
 * carries the same {@code Rpc-Timestamp}, as every attempt carries the same
 * {@code Idempotency-Key}.
 *
 * <p>
 * Server chain, per call: {@link Server#DEADLINE deadline} → {@link Server#CLOCK clock} →
 * {@link Server#ROUTING routing} → {@link Server#MUTATING_CALL mutating call} →
 * {@link Server#IDEMPOTENCY idempotency} → {@link Server#ORDERING ordering} → method
 * invocation. Routing comes first after the clock: a call for a key another node serves
 * is forwarded there before this node spends anything on it, and a call for a slot this
 * node holds runs against that slot. A call to a {@code @Mutating} method of checkpointed
 * state is then deduplicated, ordered and logged by its partition, which keeps those
 * records in its own log (one Redis round trip); the store-based idempotency and ordering
 * interceptors pass such calls through and serve every other call with an
 * {@code Idempotency-Key} or an {@code Rpc-Ordering-Key}: for a call with an ordering key
 * the idempotency record is claimed by the ordering interceptor, in the same store round
 * trip that admits the call to its key, once the call's turn has come.
 */
public final class InterceptorOrder {

	private InterceptorOrder() {
	}

	/**
	 * Order of the client interceptors.
	 */
	public static final class Client {

		/** Calls the method's fallback when the logical call fails. */
		public static final int FALLBACK = 50;

		/** Applies the total deadline of a logical call. */
		public static final int DEADLINE = 100;

		/** Limits concurrent calls per service. */
		public static final int BULKHEAD = 200;

		/**
		 * Stamps the logical call with one hybrid-logical-clock timestamp, reused by all
		 * its attempts.
		 */
		public static final int TIMESTAMP = 250;

		/** Retries failed attempts within the budget. */
		public static final int RETRY = 300;

		/** Picks the instance an attempt goes to. */
		public static final int INSTANCE_SELECTION = 400;

		/** Circuit breaker of the picked instance. */
		public static final int CIRCUIT_BREAKER = 500;

		private Client() {
		}

	}

	/**
	 * Order of the server interceptors.
	 */
	public static final class Server {

		/** Drops work whose caller deadline has passed. */
		public static final int DEADLINE = 100;

		/** Advances the hybrid logical clock with the call's timestamp. */
		public static final int CLOCK = 200;

		/**
		 * Sends a call for a key another node serves to that node (or refuses it), and
		 * runs a call for a slot this node holds against that slot.
		 */
		public static final int ROUTING = 250;

		/**
		 * Deduplicates, orders and logs calls to {@code @Mutating} methods of
		 * checkpointed state, in the partition they change.
		 */
		public static final int MUTATING_CALL = 280;

		/** Replays stored outcomes of calls already executed. */
		public static final int IDEMPOTENCY = 300;

		/** Executes calls of one ordering key in timestamp order. */
		public static final int ORDERING = 400;

		private Server() {
		}

	}

}
