package dev.resilientrpc.checkpoint.ledger;

import java.util.List;
import java.util.Map;

import dev.resilientrpc.annotation.Mutating;

/**
 * Accounts that are lists of entries: a duplicated or lost write shows in the list.
 */
public interface LedgerApi {

	/**
	 * Append an entry to an account.
	 * @param account the account
	 * @param entry the entry
	 * @return how many entries the account holds now
	 */
	@Mutating
	int append(String account, String entry);

	/**
	 * Fail without changing anything.
	 * @param account the account
	 * @return never
	 */
	@Mutating
	int fail(String account);

	/**
	 * Return the entries of an account.
	 * @param account the account
	 * @return the entries
	 */
	List<String> entries(String account);

	/**
	 * Return every account.
	 * @return the entries by account
	 */
	Map<String, List<String>> all();

}
