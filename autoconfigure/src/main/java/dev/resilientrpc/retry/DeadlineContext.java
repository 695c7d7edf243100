package dev.resilientrpc.retry;

import org.jspecify.annotations.Nullable;

/**
 * Holds the deadline of the call a thread is serving, so that a call it makes while
 * serving inherits what is left. The {@link DeadlineServerInterceptor} binds it; the
 * {@link DeadlineInterceptor} reads it. A call made on another thread (an executor, a
 * reactive pipeline) does not inherit it unless that code binds it there with
 * {@link #bind(Deadline)}.
 */
public final class DeadlineContext {

	private static final ThreadLocal<@Nullable Deadline> current = new ThreadLocal<>();

	private DeadlineContext() {
	}

	/**
	 * Return the deadline bound to the current thread.
	 * @return the deadline or {@code null}
	 */
	public static @Nullable Deadline current() {
		return current.get();
	}

	/**
	 * Bind a deadline to the current thread.
	 * @param deadline the deadline, or {@code null} to clear it
	 * @return the deadline bound before, to be passed to {@link #restore(Deadline)}
	 */
	public static @Nullable Deadline bind(@Nullable Deadline deadline) {
		Deadline previous = current.get();
		if (deadline == null) {
			current.remove();
		}
		else {
			current.set(deadline);
		}
		return previous;
	}

	/**
	 * Restore the deadline that {@link #bind(Deadline)} returned.
	 * @param previous the deadline to bind again, or {@code null}
	 */
	public static void restore(@Nullable Deadline previous) {
		bind(previous);
	}

}
