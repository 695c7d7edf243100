package dev.resilientrpc.checkpoint.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.checkpoint.CheckpointedMap;

/**
 * The ledger, kept in a {@link CheckpointedMap} named {@code ledger}.
 */
@RpcService("ledger")
public class LedgerService implements LedgerApi {

	/** Name of the account whose appends wait for {@link #pause} when it is set. */
	public static final String SLOW_ACCOUNT = "slow";

	private final CheckpointedMap<String, List<String>> state;

	/** When set, appends to {@link #SLOW_ACCOUNT} wait for it. */
	public volatile @Nullable CountDownLatch pause;

	/** Counted down when an append to {@link #SLOW_ACCOUNT} starts. */
	public volatile CountDownLatch slowStarted = new CountDownLatch(1);

	/**
	 * Create the service.
	 * @param state the accounts
	 */
	public LedgerService(CheckpointedMap<String, List<String>> state) {
		this.state = state;
	}

	/**
	 * Create the state of a ledger.
	 * @return the map
	 */
	public static CheckpointedMap<String, List<String>> newState() {
		JsonMapper mapper = JsonMapper.builder().build();
		return new CheckpointedMap<>("ledger", mapper, mapper.constructType(String.class),
				mapper.getTypeFactory().constructCollectionType(List.class, String.class));
	}

	@Override
	public int append(String account, String entry) {
		if (SLOW_ACCOUNT.equals(account)) {
			this.slowStarted.countDown();
			CountDownLatch latch = this.pause;
			if (latch != null) {
				try {
					latch.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		return this.state.merge(account, List.of(entry), (old, added) -> {
			List<String> merged = new ArrayList<>(old.size() + added.size());
			merged.addAll(old);
			merged.addAll(added);
			return List.copyOf(merged);
		}).size();
	}

	@Override
	public int fail(String account) {
		throw new IllegalStateException("failing as asked for " + account);
	}

	@Override
	public List<String> entries(String account) {
		return this.state.getOrDefault(account, List.of());
	}

	@Override
	public Map<String, List<String>> all() {
		return new TreeMap<>(this.state);
	}

}
