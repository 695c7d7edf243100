package dev.resilientrpc.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of JSON-RPC calls, named after the OpenTelemetry RPC semantic
 * conventions: with Micrometer's default meter handler each becomes a timer of its name
 * ({@code rpc.client.call.duration}, {@code rpc.server.call.duration}) tagged with the
 * low-cardinality keys, and with Micrometer Tracing a span named after the method
 * ({@code kv.put}) that carries the high-cardinality keys too.
 */
public enum RpcObservationDocumentation implements ObservationDocumentation {

	/**
	 * One logical call made through a client proxy, from the proxy's method call to its
	 * result or final failure: retries, failovers and fallbacks included, each attempt an
	 * event ({@link ClientEvents#ATTEMPT}).
	 */
	CLIENT_CALL {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultRpcClientObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

		@Override
		public Observation.Event[] getEvents() {
			return ClientEvents.values();
		}
	},

	/**
	 * One JSON-RPC request executed by the server, from binding its params to writing its
	 * answer; each request of a batch is one call.
	 */
	SERVER_CALL {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultRpcServerObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}
	};

	/**
	 * Keys with a bounded set of values: they become meter tags.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/** Always {@code jsonrpc}. */
		RPC_SYSTEM_NAME {
			@Override
			public String asString() {
				return "rpc.system.name";
			}
		},

		/**
		 * The fully qualified JSON-RPC method, {@code <service>.<method>} such as
		 * {@code kv.put}; bounded by the exported methods, {@code _OTHER} for a method
		 * the server does not export.
		 */
		RPC_METHOD {
			@Override
			public String asString() {
				return "rpc.method";
			}
		},

		/**
		 * {@code OK}, the JSON-RPC error code ({@code -32001}), or {@code NONE} when no
		 * JSON-RPC answer came (connection refused, timeout, open breaker).
		 */
		RPC_RESPONSE_STATUS_CODE {
			@Override
			public String asString() {
				return "rpc.response.status_code";
			}
		},

		/**
		 * {@code none} for a call that succeeded, else the JSON-RPC error code, or the
		 * class name of the exception when there is no code.
		 */
		ERROR_TYPE {
			@Override
			public String asString() {
				return "error.type";
			}
		}

	}

	/**
	 * Keys with unbounded values: span attributes only.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * Host of the server: on the client the instance the last attempt went to, on the
		 * server the {@code Host} the request was sent to.
		 */
		SERVER_ADDRESS {
			@Override
			public String asString() {
				return "server.address";
			}
		},

		/** Port of the server, as for {@link #SERVER_ADDRESS}. */
		SERVER_PORT {
			@Override
			public String asString() {
				return "server.port";
			}
		}

	}

	/**
	 * Events of a client call.
	 */
	public enum ClientEvents implements Observation.Event {

		/** One attempt sent (the first, a retry or a failover). */
		ATTEMPT {
			@Override
			public String getName() {
				return "rpc.attempt";
			}
		}

	}

}
