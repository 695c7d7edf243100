package dev.resilientrpc.ordering;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.OnStale;
import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.annotation.StalePolicy;

/**
 * A ledger whose methods record every execution, for the ordering and idempotency tests.
 */
public interface LedgerApi {

	/**
	 * Append an entry to an account.
	 * @param account the account, the routing (ordering) key
	 * @param entry the entry
	 * @return the account's entries after the append
	 */
	List<String> append(@RoutingKey String account, String entry);

	/**
	 * Overwrite an account's label: last writer wins, late writes are acknowledged and
	 * dropped.
	 * @param account the account
	 * @param label the label
	 */
	@OnStale(StalePolicy.IGNORE)
	void label(@RoutingKey String account, String label);

	/**
	 * Describe things, for results with nested JSON.
	 * @param things the things
	 * @return a description
	 */
	Map<String, Object> describe(Map<String, Integer> things);

	/**
	 * Fail with an exception.
	 * @param account the account
	 * @param message the message
	 * @return never
	 */
	@Nullable String fail(@RoutingKey String account, String message);

	/**
	 * Count an account's entries.
	 * @param account the account
	 * @return the number of entries
	 */
	int size(@RoutingKey String account);

	/**
	 * Block until released, to keep a call in flight.
	 * @param account the account
	 * @param gate the gate's name
	 * @return the gate's name
	 */
	String block(@RoutingKey String account, String gate);

}
