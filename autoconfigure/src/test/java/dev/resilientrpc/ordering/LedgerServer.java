package dev.resilientrpc.ordering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.protocol.RpcHeaders;

/**
 * The ledger: records each execution with the headers of its call, and checks that
 * executions of one account never overlap.
 */
@RpcService("ledger")
public class LedgerServer implements LedgerApi {

	/** Executions, in the order they started. */
	public final List<Execution> executions = Collections.synchronizedList(new ArrayList<>());

	/** Executions that overlapped another of the same account. */
	public final AtomicInteger overlaps = new AtomicInteger();

	/**
	 * Entries per account of the instances that share one database: those made by Spring.
	 */
	private static final Map<String, List<String>> sharedAccounts = new ConcurrentHashMap<>();

	private final Map<String, List<String>> accounts;

	/**
	 * Create a ledger on the database shared by all such ledgers in this JVM, as
	 * instances of one service share a database.
	 */
	public LedgerServer() {
		this(sharedAccounts);
	}

	/**
	 * Create a ledger on its own database.
	 * @param accounts the entries per account
	 */
	LedgerServer(Map<String, List<String>> accounts) {
		this.accounts = accounts;
	}

	/**
	 * Executions running per account, shared by all instances in this JVM to see overlaps
	 * across them.
	 */
	private static final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

	private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();

	/** Headers of the call being executed; set by {@link HeaderCapture}. */
	static final ThreadLocal<Map<String, String>> currentHeaders = ThreadLocal.withInitial(Map::of);

	@Override
	public List<String> append(String account, String entry) {
		return execute("append", account, entry, () -> {
			List<String> entries = this.accounts.computeIfAbsent(account, (key) -> new ArrayList<>());
			synchronized (entries) {
				entries.add(entry);
				return new ArrayList<>(entries);
			}
		});
	}

	@Override
	public void label(String account, String label) {
		execute("label", account, label, () -> null);
	}

	@Override
	public int size(String account) {
		return execute("size", account, "", () -> this.accounts.getOrDefault(account, List.of()).size());
	}

	@Override
	public Map<String, Object> describe(Map<String, Integer> things) {
		return execute("describe", "-", things.toString(), () -> Map.of("sorted", new TreeMap<>(things), "count",
				things.size(), "ratio", 0.1 + 0.2, "nothing", Collections.singletonMap("x", null)));
	}

	@Override
	public @Nullable String fail(String account, String message) {
		return execute("fail", account, message, () -> {
			throw new IllegalStateException(message);
		});
	}

	@Override
	public String block(String account, String gate) {
		return execute("block", account, gate, () -> {
			this.entered.computeIfAbsent(gate, (key) -> new CountDownLatch(1)).countDown();
			try {
				if (!gate(gate).await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("gate " + gate + " never opened");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return gate;
		});
	}

	/**
	 * Open a gate that {@link #block} waits at.
	 * @param gate the gate's name
	 */
	public void open(String gate) {
		gate(gate).countDown();
	}

	/**
	 * Wait until a call is blocked at a gate.
	 * @param gate the gate's name
	 * @throws InterruptedException if interrupted
	 */
	public void awaitBlocked(String gate) throws InterruptedException {
		if (!this.entered.computeIfAbsent(gate, (key) -> new CountDownLatch(1)).await(10, TimeUnit.SECONDS)) {
			throw new AssertionError("nothing blocked at gate " + gate);
		}
	}

	private CountDownLatch gate(String gate) {
		return this.gates.computeIfAbsent(gate, (key) -> new CountDownLatch(1));
	}

	/**
	 * Return how many times calls with the given idempotency key executed.
	 * @param idempotencyKey the key
	 * @return the count
	 */
	public long executionsOf(String idempotencyKey) {
		synchronized (this.executions) {
			return this.executions.stream()
				.filter((execution) -> idempotencyKey.equals(execution.idempotencyKey()))
				.count();
		}
	}

	private <T> T execute(String method, String account, String argument, Work<T> work) {
		Map<String, String> headers = currentHeaders.get();
		AtomicInteger concurrent = running.computeIfAbsent(account, (key) -> new AtomicInteger());
		if (concurrent.incrementAndGet() != 1 && !"-".equals(account)) {
			this.overlaps.incrementAndGet();
		}
		try {
			this.executions.add(new Execution(method, account, argument, headers.get(RpcHeaders.IDEMPOTENCY_KEY),
					headers.get(RpcHeaders.TIMESTAMP), System.nanoTime()));
			return work.run();
		}
		finally {
			concurrent.decrementAndGet();
		}
	}

	/**
	 * Sleep a little, for executions that should take some time.
	 * @param duration how long
	 */
	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@FunctionalInterface
	private interface Work<T> {

		T run();

	}

	/**
	 * One execution.
	 *
	 * @param method the method
	 * @param account the account
	 * @param argument the argument
	 * @param idempotencyKey the call's idempotency key
	 * @param timestamp the call's timestamp header
	 * @param startedNanos when it started
	 */
	public record Execution(String method, String account, String argument, @Nullable String idempotencyKey,
			@Nullable String timestamp, long startedNanos) {
	}

}
