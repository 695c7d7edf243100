package dev.resilientrpc.retry;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.ResilientRpc;

/**
 * The API of the fault-injecting server: each call to {@link #call} or {@link #read} runs
 * the next step of the {@link Faults script} of its id.
 */
public interface FaultyApi {

	/**
	 * Run the next step of the script of {@code id}; not safe to repeat.
	 * @param id the script id
	 * @return "ok " + id
	 */
	String call(String id);

	/**
	 * Run the next step of the script of {@code id}; safe to repeat.
	 * @param id the script id
	 * @return "ok " + id
	 */
	@ResilientRpc(idempotent = true)
	String read(String id);

	/**
	 * Make a call to the server itself and return the value of a header that call
	 * carried.
	 * @param header the header name
	 * @return the value or {@code null}
	 */
	@Nullable String relay(String header);

	/**
	 * Return the value of a header of this call.
	 * @param name the header name
	 * @return the value or {@code null}
	 */
	@Nullable String header(String name);

}
