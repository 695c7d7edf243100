package dev.resilientrpc.retry;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.client.ClientCall;
import dev.resilientrpc.client.ClientInterceptor;
import dev.resilientrpc.client.ClientInterceptorChain;
import dev.resilientrpc.client.RpcRemoteException;
import dev.resilientrpc.client.RpcTimeoutException;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.protocol.InterceptorOrder;
import dev.resilientrpc.protocol.RpcHeaders;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Retries failed attempts of a call on Spring Framework's {@link RetryTemplate}, within
 * the method's {@link RpcRetryPolicy}, the service's {@link RetryBudget} and the call's
 * {@link Deadline}. Each attempt runs the rest of the chain again (instance selection,
 * circuit breaker, transport) on the same {@link ClientCall}, with the next attempt
 * number and the same idempotency key.
 *
 * <p>
 * A failure is retried when {@link RetryableFailures#reasonOf} gives a reason, the call
 * is safe to repeat if the reason needs it, attempts are left, the deadline has not
 * passed and the budget allows. The wait is the back-off's, or the server's
 * {@code Retry-After} if that is longer; a {@code Retry-After} beyond the policy's
 * {@code maxDelay}, or a wait that would end after the deadline, ends the call instead.
 * What the caller gets:
 * <ul>
 * <li>the last attempt's exception when it is not retryable or the attempts are used up
 * (earlier attempts' exceptions are {@linkplain Throwable#getSuppressed() suppressed} in
 * it);</li>
 * <li>a {@link RetryBudgetExhaustedException} when the budget stopped the retries;</li>
 * <li>a {@link DeadlineExceededException} when the deadline did.</li>
 * </ul>
 */
public final class RetryInterceptor implements ClientInterceptor {

	private final RpcMethodSettingsResolver methods;

	private final RetryBudgets budgets;

	private final Sleeper sleeper;

	private final Ticker ticker;

	private final AttemptTimer timer;

	private final ResilienceListener listener;

	/**
	 * Create a new interceptor.
	 * @param methods the settings of each method
	 * @param budgets the retry budget of each service
	 * @param sleeper waits between attempts
	 * @param ticker times calls for the listener
	 * @param timer cuts attempts short at their timeout or the call's deadline
	 * @param listener hears attempts, retries and outcomes
	 */
	public RetryInterceptor(RpcMethodSettingsResolver methods, RetryBudgets budgets, Sleeper sleeper, Ticker ticker,
			AttemptTimer timer, ResilienceListener listener) {
		this.methods = methods;
		this.budgets = budgets;
		this.sleeper = sleeper;
		this.ticker = ticker;
		this.timer = timer;
		this.listener = listener;
	}

	@Override
	public int getOrder() {
		return InterceptorOrder.Client.RETRY;
	}

	@Override
	public @Nullable Object intercept(ClientCall call, ClientInterceptorChain chain) {
		RpcMethodSettings settings = this.methods.settingsFor(call);
		CallRetry retry = new CallRetry(call, chain, settings, this.budgets.forService(call.getService()),
				(Deadline) call.getAttribute(Deadline.ATTRIBUTE));
		if (this.listener == ResilienceListener.NONE) {
			return (settings.policy().getMaxAttempts() == 1) ? retry.attempt() : retry.run();
		}
		long start = this.ticker.nanoTime();
		try {
			Object result = (settings.policy().getMaxAttempts() == 1) ? retry.attempt() : retry.run();
			this.listener.onCallFinished(call, null, this.ticker.nanoTime() - start);
			return result;
		}
		catch (RuntimeException | Error ex) {
			this.listener.onCallFinished(call, ex, this.ticker.nanoTime() - start);
			throw ex;
		}
	}

	private enum Stop {

		NOT_RETRYABLE, EXHAUSTED, BUDGET, DEADLINE

	}

	/**
	 * The retry state of one call: the Spring {@link RetryPolicy}, {@link Retryable} and
	 * {@link BackOff} of a {@link RetryTemplate} made for it.
	 */
	private final class CallRetry implements RetryPolicy, Retryable<@Nullable Object>, BackOff, BackOffExecution {

		private final ClientCall call;

		private final ClientInterceptorChain chain;

		private final RpcMethodSettings settings;

		private final RpcRetryPolicy policy;

		private final RetryBudget budget;

		private final @Nullable Deadline deadline;

		private int attempts;

		private @Nullable RetryReason reason;

		private long retryAfterMillis;

		private Stop stop = Stop.NOT_RETRYABLE;

		private @Nullable BackOffExecution backOff;

		CallRetry(ClientCall call, ClientInterceptorChain chain, RpcMethodSettings settings, RetryBudget budget,
				@Nullable Deadline deadline) {
			this.call = call;
			this.chain = chain;
			this.settings = settings;
			this.policy = settings.policy();
			this.budget = budget;
			this.deadline = deadline;
		}

		@Nullable Object run() {
			try {
				return new RetryTemplate(this).execute(this);
			}
			catch (RetryException ex) {
				throw failure(ex);
			}
		}

		// NullAway without JSpecify generics (it needs JDK 22 or a newer 17) misses
		// Retryable<@Nullable Object>
		@SuppressWarnings("NullAway")
		@Override
		public @Nullable Object execute() {
			return attempt();
		}

		@Override
		public String getName() {
			return this.call.getMethod().name();
		}

		@Nullable Object attempt() {
			int attempt = ++this.attempts;
			this.call.setAttempt(attempt);
			this.reason = null;
			this.retryAfterMillis = 0;
			long timeoutNanos = -1;
			Duration attemptTimeout = this.policy.getAttemptTimeout();
			if (attemptTimeout != null) {
				timeoutNanos = attemptTimeout.toNanos();
			}
			if (this.deadline != null) {
				long remaining = this.deadline.remainingMillis();
				if (remaining <= 0) {
					throw new DeadlineExceededException(this.call.getMethod().name(), this.settings.timeout(),
							attempt - 1, null);
				}
				this.call.getHeaders().put(RpcHeaders.TIMEOUT, Long.toString(remaining));
				long remainingNanos = this.deadline.remainingNanos();
				timeoutNanos = (timeoutNanos < 0) ? remainingNanos : Math.min(timeoutNanos, remainingNanos);
			}
			RetryInterceptor.this.listener.onAttempt(this.call);
			AttemptTimer.Watch watch = null;
			boolean bound = timeoutNanos > 0;
			long previousDeadline = 0;
			if (bound) {
				previousDeadline = AttemptDeadline.bind(timeoutNanos);
				if (RetryInterceptor.this.timer.isInterrupting()) {
					watch = RetryInterceptor.this.timer.start(timeoutNanos);
				}
			}
			Object result;
			try {
				result = this.chain.proceed(this.call);
			}
			catch (RuntimeException ex) {
				RuntimeException failure = ex;
				if (watch != null && watch.stop()) {
					failure = timedOut(ex);
				}
				this.reason = RetryableFailures.reasonOf(failure, this.policy.getRetryExceptions());
				if (this.reason != null && this.reason.chargesBudget()) {
					this.budget.onFailure();
				}
				this.retryAfterMillis = retryAfterMillis(failure);
				throw failure;
			}
			catch (Error ex) {
				if (watch != null) {
					watch.stop();
				}
				this.reason = null;
				throw ex;
			}
			finally {
				if (bound) {
					AttemptDeadline.restore(previousDeadline);
				}
			}
			if (watch != null) {
				watch.stop();
			}
			this.budget.onSuccess();
			return result;
		}

		private RuntimeException timedOut(RuntimeException ex) {
			if (this.deadline != null && this.deadline.isExpired()) {
				return new DeadlineExceededException(this.call.getMethod().name(), this.settings.timeout(),
						this.attempts, ex);
			}
			ServiceInstance target = this.call.getTarget();
			URI endpoint = (target != null) ? target.endpoint() : URI.create("unknown:" + this.call.getService());
			return new RpcTimeoutException(endpoint, ex);
		}

		private static long retryAfterMillis(Throwable failure) {
			if (failure instanceof RpcRemoteException remote && remote.getRetryAfter() != null) {
				return remote.getRetryAfter().toMillis();
			}
			return 0;
		}

		@Override
		public boolean shouldRetry(Throwable failure) {
			RetryReason reason = this.reason;
			if (reason == null || (reason.requiresSafeToRepeat() && !this.settings.idempotent())) {
				this.stop = Stop.NOT_RETRYABLE;
				return false;
			}
			if (this.attempts >= this.policy.getMaxAttempts()) {
				this.stop = Stop.EXHAUSTED;
				return false;
			}
			if (this.deadline != null && this.deadline.isExpired()) {
				this.stop = Stop.DEADLINE;
				return false;
			}
			if (reason.needsBudget() && !this.budget.canRetry()) {
				this.stop = Stop.BUDGET;
				RetryInterceptor.this.listener.onBudgetExhausted(this.call);
				return false;
			}
			return true;
		}

		@Override
		public BackOff getBackOff() {
			return this;
		}

		@Override
		public BackOffExecution start() {
			this.backOff = this.policy.getBackOff().start();
			return this;
		}

		/**
		 * Compute the wait and spend it here, through the {@link Sleeper}, so that a test
		 * can record it and the deadline can cut it; the template is told to wait no
		 * more.
		 */
		@Override
		public long nextBackOff() {
			long delay = (this.backOff != null) ? this.backOff.nextBackOff() : STOP;
			if (delay == STOP) {
				this.stop = Stop.EXHAUSTED;
				return STOP;
			}
			if (this.retryAfterMillis > 0) {
				if (this.retryAfterMillis > this.policy.getMaxDelay().toMillis()) {
					// the server asks for a longer wait than the caller agreed to spend
					// on one
					this.stop = Stop.NOT_RETRYABLE;
					return STOP;
				}
				delay = Math.max(delay, this.retryAfterMillis);
			}
			if (this.deadline != null && delay >= this.deadline.remainingMillis()) {
				this.stop = Stop.DEADLINE;
				return STOP;
			}
			RetryReason reason = this.reason;
			if (reason != null) {
				RetryInterceptor.this.listener.onRetry(this.call, reason, delay);
			}
			try {
				RetryInterceptor.this.sleeper.sleep(delay);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.stop = Stop.NOT_RETRYABLE;
				return STOP;
			}
			return 0;
		}

		private RuntimeException failure(RetryException ex) {
			Throwable last = ex.getCause();
			List<Throwable> all = ex.getExceptions();
			for (Throwable earlier : all) {
				if (earlier != last && last != null) {
					last.addSuppressed(earlier);
				}
			}
			if (last instanceof Error error) {
				throw error;
			}
			RuntimeException failure = (last instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException(ex.getMessage(), last);
			return switch (this.stop) {
				case BUDGET -> new RetryBudgetExhaustedException(this.call.getService(), this.call.getMethod().name(),
						this.attempts, failure);
				case DEADLINE ->
					(failure instanceof DeadlineExceededException) ? failure : new DeadlineExceededException(
							this.call.getMethod().name(), this.settings.timeout(), this.attempts, failure);
				default -> failure;
			};
		}

	}

}
