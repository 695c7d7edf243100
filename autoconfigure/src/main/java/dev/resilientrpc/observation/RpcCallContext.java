package dev.resilientrpc.observation;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * What a client and a server observation know of a call, in the terms of the RPC semantic
 * conventions.
 */
interface RpcCallContext {

	String getMethod();

	@Nullable Integer getErrorCode();

	@Nullable Throwable getError();

	@Nullable URI getServer();

}
