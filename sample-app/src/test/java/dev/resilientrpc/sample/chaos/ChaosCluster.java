package dev.resilientrpc.sample.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.resilientrpc.sample.demo.NodeProcess;
import dev.resilientrpc.sample.demo.Ports;
import dev.resilientrpc.test.net.FaultProxy;
import dev.resilientrpc.test.redis.RedisProcess;

/**
 * What a chaos run acts on, all on 127.0.0.1: a Redis primary (and a replica to promote),
 * {@code kv} nodes as separate JVMs started from a private copy of the sample's jar, and
 * a {@link FaultProxy} on every path: one in front of each node (clients and other nodes
 * reach it through it, so its listed URI is the proxy's) and one between each node and
 * Redis.
 */
final class ChaosCluster implements AutoCloseable {

	private static final Duration READY = Duration.ofMinutes(2);

	private final Path dir;

	private final Path jar;

	private final List<String> extraArguments;

	private final boolean replicated;

	private final Consumer<String> log;

	private final List<Member> members = new ArrayList<>();

	/**
	 * The nodes that should run once faults are healed: those started, and those that
	 * joined since.
	 */
	private final java.util.Set<Integer> expected = new java.util.concurrent.ConcurrentSkipListSet<>();

	private RedisProcess primary;

	private RedisProcess replica;

	/**
	 * One node: its process and the proxies in front of and behind it.
	 *
	 * @param index its position in the instance list
	 * @param process the JVM
	 * @param front the proxy clients and other nodes reach it through
	 * @param redis the proxy it reaches Redis through
	 */
	record Member(int index, NodeProcess process, FaultProxy front, FaultProxy redis) {

		String uri() {
			return "http://127.0.0.1:" + this.front.port();
		}

	}

	/**
	 * Start nothing yet: {@link #start(int)} does.
	 * @param dir where logs and the jar copy go
	 * @param sampleJar the sample's executable jar, as the build left it
	 * @param replicated whether to run a Redis replica and log writes with
	 * {@code durability=replicated}, so that the replica can be promoted without losing
	 * an acknowledged write
	 * @param extraArguments further Spring arguments for every node
	 * @param log where to report what happens
	 */
	ChaosCluster(Path dir, Path sampleJar, boolean replicated, List<String> extraArguments, Consumer<String> log) {
		this.dir = dir;
		this.replicated = replicated;
		this.extraArguments = List.copyOf(extraArguments);
		this.log = log;
		try {
			// a private copy: a build running meanwhile may rewrite the original
			this.jar = Files.copy(sampleJar, dir.resolve("resilient-rpc-sample-app.jar"),
					StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot copy " + sampleJar, ex);
		}
	}

	void start(int nodes) throws IOException {
		start(nodes, 0);
	}

	/**
	 * Start Redis and the nodes.
	 * @param nodes the nodes to start
	 * @param spares further nodes that are listed in every node's instance list but not
	 * started: they join when {@link #join} starts them, as an instance discovery lists
	 * once it runs would
	 */
	void start(int nodes, int spares) throws IOException {
		this.primary = RedisProcess.create("--appendonly", "yes", "--appendfsync", "always").start();
		if (this.replicated) {
			this.replica = startReplica(this.primary);
		}
		List<FaultProxy> fronts = new ArrayList<>();
		List<Integer> ports = new ArrayList<>();
		for (int i = 0; i < nodes + spares; i++) {
			int port = Ports.free();
			ports.add(port);
			fronts.add(new FaultProxy("node" + i, port));
		}
		String instances = String.join(",",
				fronts.stream().map((front) -> "http://127.0.0.1:" + front.port()).toList());
		for (int i = 0; i < nodes + spares; i++) {
			FaultProxy redis = new FaultProxy("redis" + i, this.primary.port());
			FaultProxy front = fronts.get(i);
			List<String> arguments = new ArrayList<>();
			arguments.add("--spring.data.redis.host=127.0.0.1");
			arguments.add("--spring.data.redis.port=" + redis.port());
			arguments.add("--resilient-rpc.client.services.kv.instances=" + instances);
			arguments.add("--resilient-rpc.slots.instance=http://127.0.0.1:" + front.port());
			if (this.replicated) {
				arguments.add("--resilient-rpc.checkpoint.durability=replicated");
				arguments.add("--resilient-rpc.checkpoint.replicas=1");
			}
			arguments.addAll(this.extraArguments);
			NodeProcess process = new NodeProcess(this.jar, ports.get(i), arguments,
					this.dir.resolve("node" + i + ".log"));
			this.members.add(new Member(i, process, front, redis));
		}
		List<Member> started = this.members.subList(0, nodes);
		started.forEach((member) -> this.expected.add(member.index()));
		started.forEach((member) -> member.process().start());
		for (Member member : started) {
			member.process().awaitReady(READY);
		}
		this.log.accept("cluster up: " + instances + ", Redis :" + this.primary.port()
				+ ((this.replica != null) ? " with replica :" + this.replica.port() : ""));
	}

	private RedisProcess startReplica(RedisProcess of) {
		RedisProcess started = RedisProcess
			.create("--appendonly", "yes", "--appendfsync", "always", "--replicaof", "127.0.0.1",
					Integer.toString(of.port()))
			.start();
		awaitLink(started);
		return started;
	}

	private static void awaitLink(RedisProcess replica) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!replica.command("INFO", "replication").contains("master_link_status:up")) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Replica :" + replica.port() + " did not link to its primary");
			}
			sleep(50);
		}
	}

	List<Member> members() {
		return this.members;
	}

	Member member(int index) {
		return this.members.get(index);
	}

	List<String> uris() {
		return this.members.stream().map(Member::uri).toList();
	}

	boolean hasReplica() {
		return this.replica != null;
	}

	void kill(int index) {
		this.log.accept("kill -9 node" + index);
		member(index).process().kill();
	}

	void restart(int index) {
		this.log.accept("restart node" + index);
		Member member = member(index);
		member.process().start();
		member.process().awaitReady(READY);
		this.log.accept("node" + index + " ready");
	}

	/**
	 * Start a node that is not running: a spare joins, a node that left comes back.
	 * @param index the node
	 */
	void join(int index) {
		this.log.accept("node" + index + " joins");
		this.expected.add(index);
		Member member = member(index);
		member.process().start();
		member.process().awaitReady(READY);
		this.log.accept("node" + index + " ready");
	}

	/**
	 * Stop a node gracefully: it hands its slots on before it exits.
	 * @param index the node
	 */
	void leave(int index) {
		this.log.accept("node" + index + " leaves (graceful stop)");
		this.expected.remove(index);
		member(index).process().stop();
		this.log.accept("node" + index + " gone");
	}

	/**
	 * Return the nodes that run now.
	 * @return their indexes
	 */
	List<Integer> running() {
		List<Integer> running = new ArrayList<>();
		for (Member member : this.members) {
			if (member.process().isAlive()) {
				running.add(member.index());
			}
		}
		return running;
	}

	void pause(int index) {
		this.log.accept("SIGSTOP node" + index);
		member(index).process().pause();
	}

	void resume(int index) {
		this.log.accept("SIGCONT node" + index);
		member(index).process().resume();
	}

	void restartRedis() {
		this.log.accept("kill -9 Redis primary :" + this.primary.port());
		this.primary.kill();
		sleep(500);
		this.primary.start();
		if (this.replica != null) {
			awaitLink(this.replica);
		}
		this.log.accept("Redis primary restarted from its append-only file");
	}

	/**
	 * Fail the primary over to its replica, as Sentinel would: the primary dies, the
	 * replica becomes primary, the nodes' connections are switched to it, and a new
	 * replica is started for it.
	 */
	void promoteReplica() {
		if (this.replica == null) {
			throw new IllegalStateException("No replica to promote");
		}
		this.log.accept("kill -9 Redis primary :" + this.primary.port() + ", promote replica :" + this.replica.port());
		this.primary.kill();
		String answer = this.replica.command("REPLICAOF", "NO", "ONE");
		if (!answer.startsWith("+OK")) {
			throw new IllegalStateException("REPLICAOF NO ONE answered " + answer);
		}
		RedisProcess old = this.primary;
		this.primary = this.replica;
		for (Member member : this.members) {
			member.redis().switchUpstream(this.primary.port());
		}
		old.close();
		this.replica = startReplica(this.primary);
		this.log.accept("Redis :" + this.primary.port() + " is primary, new replica :" + this.replica.port());
	}

	/**
	 * Bring every node back: resumed, restarted, its proxies passing bytes again.
	 */
	void heal() {
		for (Member member : this.members) {
			member.front().mode(FaultProxy.Mode.PASS);
			member.redis().mode(FaultProxy.Mode.PASS);
		}
		for (Member member : this.members) {
			if (!this.expected.contains(member.index())) {
				continue;
			}
			if (member.process().isAlive()) {
				try {
					member.process().resume();
				}
				catch (RuntimeException ex) {
					// not paused
				}
			}
			else {
				restart(member.index());
			}
		}
		for (Member member : this.members) {
			if (this.expected.contains(member.index())) {
				member.process().awaitReady(READY);
			}
		}
	}

	Path logDir() {
		return this.dir;
	}

	@Override
	public void close() {
		for (Member member : this.members) {
			if (member.process().isAlive()) {
				try {
					member.process().resume();
				}
				catch (RuntimeException ex) {
					// not paused
				}
			}
			member.process().stop();
			member.front().close();
			member.redis().close();
		}
		if (this.replica != null) {
			this.replica.close();
		}
		if (this.primary != null) {
			this.primary.close();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
