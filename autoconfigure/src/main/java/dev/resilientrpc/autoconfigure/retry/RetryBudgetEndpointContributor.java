package dev.resilientrpc.autoconfigure.retry;

import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointContributor;
import dev.resilientrpc.retry.RetryBudget;
import dev.resilientrpc.retry.RetryBudgets;

/**
 * The {@code retryBudgets} part of the {@code resilientrpc} endpoint: per service called
 * so far, the tokens left in its retry budget.
 */
public class RetryBudgetEndpointContributor implements ResilientRpcEndpointContributor {

	private final RetryBudgets budgets;

	/**
	 * Create a new contributor.
	 * @param budgets the budgets
	 */
	public RetryBudgetEndpointContributor(RetryBudgets budgets) {
		this.budgets = budgets;
	}

	@Override
	public String getName() {
		return "retryBudgets";
	}

	@Override
	public Map<String, BudgetDescriptor> describe() {
		Map<String, BudgetDescriptor> services = new TreeMap<>();
		this.budgets.forEach((service, budget) -> services.put(service, describe(budget)));
		return services;
	}

	@Override
	public @Nullable BudgetDescriptor describe(String service) {
		return describe().get(service);
	}

	private static BudgetDescriptor describe(RetryBudget budget) {
		return new BudgetDescriptor(budget.getTokens(), budget.getMaxTokens(), budget.getTokenRatio());
	}

	/**
	 * One service's budget.
	 *
	 * @param tokens tokens left; a retry takes one, and none is made below one
	 * @param maxTokens the most tokens it holds
	 * @param tokenRatio tokens a success gives back
	 */
	public record BudgetDescriptor(double tokens, int maxTokens, double tokenRatio) {

	}

}
