package dev.resilientrpc.retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The {@link RetryBudget} of each service, made on first use.
 */
public final class RetryBudgets {

	private final Function<String, RetryBudget> factory;

	private final Map<String, RetryBudget> budgets = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param factory makes the budget of a service, given its name
	 */
	public RetryBudgets(Function<String, RetryBudget> factory) {
		this.factory = factory;
	}

	/**
	 * Return the budget of a service.
	 * @param service the service name
	 * @return the budget
	 */
	public RetryBudget forService(String service) {
		RetryBudget budget = this.budgets.get(service);
		return (budget != null) ? budget : this.budgets.computeIfAbsent(service, this.factory);
	}

	/**
	 * Visit the budgets made so far.
	 * @param action called with each service name and its budget
	 */
	public void forEach(BiConsumer<String, RetryBudget> action) {
		this.budgets.forEach(action);
	}

}
