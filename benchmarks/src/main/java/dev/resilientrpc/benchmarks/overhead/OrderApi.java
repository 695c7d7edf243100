package dev.resilientrpc.benchmarks.overhead;

/**
 * The benchmarked API.
 */
public interface OrderApi {

	/**
	 * Price an order.
	 * @param order the order
	 * @return the priced order
	 */
	Order price(Order order);

}
