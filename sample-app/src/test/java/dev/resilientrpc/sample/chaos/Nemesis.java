package dev.resilientrpc.sample.chaos;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import dev.resilientrpc.test.net.FaultProxy;

/**
 * Injects faults into a {@link ChaosCluster} on a schedule drawn from a seed: the same
 * seed gives the same faults, targets, durations and gaps (the timing of the clients'
 * calls around them still varies from run to run).
 */
final class Nemesis {

	/**
	 * The faults the nemesis can inject.
	 */
	enum Fault {

		/**
		 * {@code kill -9} of a node, restarted after the outage with the same arguments.
		 */
		KILL,

		/** SIGSTOP of a node for longer than two lease times, then SIGCONT. */
		PAUSE,

		/**
		 * A node paused past its lease, resumed, and then another node killed and
		 * restarted.
		 */
		PAUSE_THEN_KILL,

		/** {@code kill -9} of the Redis primary, restarted from its append-only file. */
		REDIS_RESTART,

		/** The Redis primary dies and its replica is promoted; a new replica joins. */
		REDIS_PROMOTION,

		/** A node cannot reach Redis (its packets vanish), then can again. */
		REDIS_PARTITION,

		/** A node's Redis commands are applied but their replies lost, for a moment. */
		REDIS_LOST_REPLIES,

		/**
		 * Clients and other nodes cannot reach a node, though it runs and reaches Redis.
		 */
		NODE_PARTITION,

		/**
		 * The membership changes: a spare node joins and takes its share of the slots,
		 * then one of the others leaves (a graceful stop) and later comes back, then the
		 * spare leaves again: 3, 4, 3, 4, 3 nodes under load.
		 */
		MEMBERSHIP

	}

	private final ChaosCluster cluster;

	private final Random random;

	private final Set<Fault> faults;

	private final long pauseMillis;

	private final Consumer<String> log;

	private final List<String> applied = new ArrayList<>();

	/**
	 * Create a nemesis.
	 * @param cluster the cluster
	 * @param seed the seed of the schedule
	 * @param faults the faults to draw from
	 * @param pauseMillis how long a SIGSTOP lasts: more than two lease times
	 * @param log where to report each fault
	 */
	Nemesis(ChaosCluster cluster, long seed, Set<Fault> faults, long pauseMillis, Consumer<String> log) {
		this.cluster = cluster;
		this.random = new Random(seed);
		this.faults = EnumSet.copyOf(faults);
		this.pauseMillis = pauseMillis;
		this.log = log;
	}

	/**
	 * Inject faults one after another until the time is up, healing each before the next.
	 * @param untilNanos when to stop ({@link System#nanoTime()})
	 * @throws InterruptedException if interrupted
	 */
	void run(long untilNanos) throws InterruptedException {
		List<Fault> choices = new ArrayList<>(this.faults);
		choices.removeIf((fault) -> fault == Fault.REDIS_PROMOTION && !this.cluster.hasReplica());
		if (choices.isEmpty()) {
			return;
		}
		while (System.nanoTime() < untilNanos) {
			Fault fault = choices.get(this.random.nextInt(choices.size()));
			List<Integer> running = this.cluster.running();
			int nodes = running.size();
			int target = running.get(this.random.nextInt(nodes));
			int other = running.get((running.indexOf(target) + 1 + this.random.nextInt(nodes - 1)) % nodes);
			long hold = 2000 + this.random.nextInt(4000);
			this.applied
				.add(fault + "(node" + target + ((fault == Fault.PAUSE_THEN_KILL) ? ", node" + other : "") + ")");
			switch (fault) {
				case KILL -> {
					this.cluster.kill(target);
					Thread.sleep(hold);
					this.cluster.restart(target);
				}
				case PAUSE -> {
					this.cluster.pause(target);
					Thread.sleep(this.pauseMillis);
					this.cluster.resume(target);
				}
				case PAUSE_THEN_KILL -> {
					this.cluster.pause(target);
					Thread.sleep(this.pauseMillis);
					this.cluster.resume(target);
					Thread.sleep(500 + this.random.nextInt(1500));
					this.cluster.kill(other);
					Thread.sleep(hold);
					this.cluster.restart(other);
				}
				case REDIS_RESTART -> this.cluster.restartRedis();
				case REDIS_PROMOTION -> this.cluster.promoteReplica();
				case REDIS_PARTITION -> {
					this.log.accept("partition node" + target + " from Redis");
					this.cluster.member(target).redis().mode(FaultProxy.Mode.BLACKHOLE);
					Thread.sleep(hold);
					this.cluster.member(target).redis().mode(FaultProxy.Mode.PASS);
					this.log.accept("node" + target + " reaches Redis again");
				}
				case REDIS_LOST_REPLIES -> {
					this.log.accept("node" + target + " loses its Redis replies");
					this.cluster.member(target).redis().mode(FaultProxy.Mode.LOSE_REPLIES);
					Thread.sleep(300 + this.random.nextInt(1200));
					this.cluster.member(target).redis().mode(FaultProxy.Mode.PASS);
					this.log.accept("node" + target + " gets its Redis replies again");
				}
				case MEMBERSHIP -> {
					List<Integer> spares = new ArrayList<>();
					for (int i = 0; i < this.cluster.members().size(); i++) {
						if (!this.cluster.running().contains(i)) {
							spares.add(i);
						}
					}
					if (spares.isEmpty()) {
						break;
					}
					int spare = spares.get(0);
					this.cluster.join(spare);
					Thread.sleep(hold);
					List<Integer> up = new ArrayList<>(this.cluster.running());
					up.remove(Integer.valueOf(spare));
					int leaving = up.get(this.random.nextInt(up.size()));
					this.cluster.leave(leaving);
					Thread.sleep(hold);
					this.cluster.join(leaving);
					Thread.sleep(hold);
					this.cluster.leave(spare);
				}
				case NODE_PARTITION -> {
					this.log.accept("partition node" + target + " from clients and nodes");
					this.cluster.member(target).front().mode(FaultProxy.Mode.BLACKHOLE);
					Thread.sleep(hold);
					this.cluster.member(target).front().mode(FaultProxy.Mode.PASS);
					this.log.accept("node" + target + " reachable again");
				}
			}
			Thread.sleep(1000 + this.random.nextInt(2000));
		}
	}

	/**
	 * Return the faults injected so far, in order.
	 * @return the faults
	 */
	List<String> applied() {
		return this.applied;
	}

}
