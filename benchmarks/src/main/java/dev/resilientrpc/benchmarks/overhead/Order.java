package dev.resilientrpc.benchmarks.overhead;

import java.util.List;

/**
 * A small payload, typical of an RPC argument.
 *
 * @param id the order id
 * @param customer the customer
 * @param lines the item codes
 * @param total the total
 */
public record Order(long id, String customer, List<String> lines, double total) {

	/**
	 * The work both endpoints do: price the order.
	 * @return a priced copy
	 */
	public Order priced() {
		return new Order(this.id, this.customer, this.lines, this.lines.size() * 9.99);
	}

}
