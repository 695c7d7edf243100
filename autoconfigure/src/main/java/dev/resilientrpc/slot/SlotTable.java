package dev.resilientrpc.slot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.resilientrpc.checkpoint.CheckpointFencedException;
import dev.resilientrpc.checkpoint.CheckpointStatus;
import dev.resilientrpc.checkpoint.Checkpointable;
import dev.resilientrpc.checkpoint.Checkpointer;
import dev.resilientrpc.checkpoint.CommandReplayer;
import dev.resilientrpc.checkpoint.Partition;
import dev.resilientrpc.checkpoint.PartitionBinding;
import dev.resilientrpc.checkpoint.PartitionListener;
import dev.resilientrpc.checkpoint.PartitionLoader;
import dev.resilientrpc.checkpoint.PartitionScheduler;
import dev.resilientrpc.cluster.HashRing;
import dev.resilientrpc.cluster.InstanceWeights;
import dev.resilientrpc.cluster.ServiceInstance;
import dev.resilientrpc.cluster.ServiceInstanceSupplier;
import dev.resilientrpc.cluster.Slots;

/**
 * The slots of one {@link PartitionedState} as this node sees them: which it holds, who
 * holds the others, and who should. One reconciler thread keeps it true, every refresh
 * interval (and every few milliseconds while a slot moves):
 * <ol>
 * <li>it renews this node's heartbeat and reads the others'
 * ({@link SlotLeases#heartbeat});</li>
 * <li>it renews the leases of the slots it holds; a slot whose lease another node took
 * (this node was paused or cut off past its lease) is dropped at once;</li>
 * <li>it reads every slot's owner record and works out, from the service's instances (the
 * static list or discovery, as on clients) and the live heartbeats, who should hold each
 * slot: the first live instance in the slot's order of preference ({@link Slots});</li>
 * <li>it takes the free or expired slots it should hold, and hands over the slots another
 * live node should hold: that node loads the slot while this one still serves it, then
 * this one stops, flushes its log and releases the slot to it, and it takes it with a new
 * epoch and reads the few log entries it has not seen, so that calls wait a few
 * milliseconds instead of failing.</li>
 * </ol>
 * Whatever the reason a node takes a slot (a holder crashed, a node joined or left, the
 * list changed, or the node heals itself after being fenced), it is the same fenced
 * takeover: a new epoch, then the newest checkpoint and the log after it, then serve.
 *
 * <p>
 * A held slot serves calls only while its lease, as timed by this node's monotonic clock
 * from before the refresh was sent, has not run out, so a node never serves a slot (reads
 * included) that another node may have taken.
 *
 * @param <T> the type of a slot's state
 */
public final class SlotTable<T extends Checkpointable> {

	private static final Log logger = LogFactory.getLog(SlotTable.class);

	private static final long FAST_TICK_MILLIS = 20;

	private final String service;

	private final PartitionedState<T> state;

	private final int slotCount;

	private final SlotLeases leases;

	private final PartitionLoader loader;

	private final PartitionScheduler scheduler;

	private final CommandReplayer replayer;

	private final ServiceInstanceSupplier instances;

	private final int virtualNodes;

	private final InstanceWeights weights;

	private final SlotLeases.Holder holder;

	private final List<ServiceInstance> alone;

	private final Options options;

	private final Slot[] slots;

	private final Listener listener = new Listener();

	private final ReentrantLock tickLock = new ReentrantLock();

	private final Condition wakeUp = this.tickLock.newCondition();

	private final AtomicLong takes = new AtomicLong();

	private final AtomicLong handoffs = new AtomicLong();

	private final AtomicLong losses = new AtomicLong();

	private volatile @Nullable Thread reconciler;

	private volatile boolean running;

	private volatile boolean woken;

	private volatile View view = View.EMPTY;

	private volatile @Nullable String clusterId;

	private volatile long recoveryUntilNanos;

	/** Rounds that began reading the owner records. */
	private final AtomicLong readsStarted = new AtomicLong();

	private volatile boolean redisFailing;

	private volatile long startedNanos;

	private final Checkpointer checkpointer;

	/**
	 * Settings of a slot table.
	 *
	 * @param slots the number of slots
	 * @param leaseTime how long a lease (and a heartbeat) lasts without a refresh: after
	 * a crash, the holder's slots are taken this long after its last refresh
	 * @param refresh time between two refreshes, well below the lease time
	 * @param routeWait how long a call waits for its slot to be served (while it moves,
	 * or is taken) before it is refused
	 * @param handoffTimeout how long a handover may take before it is given up
	 * @param rememberedCalls idempotency records kept per slot
	 * @param retryAfter the {@code Retry-After} of refused calls
	 */
	public record Options(int slots, Duration leaseTime, Duration refresh, Duration routeWait, Duration handoffTimeout,
			int rememberedCalls, Duration retryAfter) {

		/**
		 * Check the options.
		 */
		public Options {
			if (slots < 1) {
				throw new IllegalArgumentException("slots: " + slots + " (expected: > 0)");
			}
			if (refresh.compareTo(leaseTime) >= 0) {
				throw new IllegalArgumentException(
						"refresh: " + refresh + " (expected: < leaseTime " + leaseTime + ")");
			}
		}

		/**
		 * Return how much earlier than Redis a holder gives its lease up, to allow for
		 * clock drift and the time a refresh's reply takes.
		 * @return the margin
		 */
		Duration margin() {
			return this.leaseTime.dividedBy(10).plusMillis(50);
		}

	}

	/**
	 * Create a table; {@link #start()} starts it.
	 * @param state the partitioned state
	 * @param leases the leases
	 * @param loader loads slots
	 * @param checkpointer writes their checkpoints
	 * @param partitionOptions how slots are logged and checkpointed
	 * @param replayer runs a logged call (it is bound to a slot's state while it runs)
	 * @param instances the service's instances
	 * @param virtualNodes the points per unit of weight on the ring, as on clients
	 * @param weights the instances' weights, as on clients
	 * @param self this node's instance
	 * @param options the settings
	 */
	public SlotTable(PartitionedState<T> state, SlotLeases leases, PartitionLoader loader, Checkpointer checkpointer,
			dev.resilientrpc.checkpoint.PartitionOptions partitionOptions, CommandReplayer replayer,
			ServiceInstanceSupplier instances, int virtualNodes, InstanceWeights weights, ServiceInstance self,
			Options options) {
		this.service = state.getCheckpointName();
		this.state = state;
		this.slotCount = options.slots();
		this.leases = leases;
		this.loader = loader;
		this.replayer = replayer;
		this.instances = instances;
		this.virtualNodes = virtualNodes;
		this.weights = weights;
		this.options = options;
		this.holder = new SlotLeases.Holder(Slots.nodeId(self), self.endpoint().toString(),
				UUID.randomUUID().toString());
		this.alone = List.of(self);
		this.checkpointer = checkpointer;
		this.scheduler = new PartitionScheduler("rrpc-slots-" + this.service, checkpointer, partitionOptions,
				this::resync);
		this.slots = new Slot[this.slotCount];
		int digits = Integer.toString(this.slotCount - 1).length();
		for (int i = 0; i < this.slotCount; i++) {
			this.slots[i] = new Slot(i,
					this.service + "/" + String.format(Locale.ROOT, "%0" + Math.max(digits, 4) + "d", i));
		}
	}

	/**
	 * Return the service.
	 * @return the service name
	 */
	public String getService() {
		return this.service;
	}

	/**
	 * Return the number of slots.
	 * @return the slot count
	 */
	public int getSlotCount() {
		return this.slotCount;
	}

	/**
	 * Return this node's id.
	 * @return the node id
	 */
	public String getNodeId() {
		return this.holder.node();
	}

	/**
	 * Return the endpoint other nodes send this node the calls of its slots.
	 * @return the endpoint
	 */
	public String getSelfUri() {
		return this.holder.uri();
	}

	/**
	 * Return the partitioned state.
	 * @return the state
	 */
	public PartitionedState<T> getState() {
		return this.state;
	}

	/**
	 * Join the slots: renew this node's heartbeat, take the slots it should hold that are
	 * free, and keep doing so in the background.
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.startedNanos = System.nanoTime();
		try {
			tick();
		}
		catch (RuntimeException ex) {
			logger.warn("The slots of '" + this.service + "' could not be reconciled yet; retrying: " + ex);
		}
		Thread thread = new Thread(this::reconcile, "rrpc-slots-" + this.service);
		thread.setDaemon(true);
		thread.start();
		this.reconciler = thread;
	}

	/**
	 * Leave: hand the slots this node holds to the nodes that should hold them next (or
	 * release them), within the handoff timeout, then stop.
	 */
	public void stop() {
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
		}
		Thread thread = this.reconciler;
		if (thread != null) {
			signal();
			try {
				thread.join(this.options.handoffTimeout().toMillis() + 5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			leaveGracefully();
		}
		finally {
			this.scheduler.shutdown();
			for (Slot slot : this.slots) {
				Partition partition = slot.partition;
				if (partition != null) {
					drop(slot, "this node stops");
				}
			}
			try {
				this.leases.leave(this.service, this.holder.node());
			}
			catch (RuntimeException ex) {
				logger.debug("Could not remove the heartbeat of " + this.holder.node(), ex);
			}
		}
	}

	// ---------------------------------------------------------------- routing

	/**
	 * Where a call of a key goes.
	 */
	public sealed interface Route {

	}

	/**
	 * Serve the call here, against this slot.
	 *
	 * @param slot the slot
	 * @param binding its partition
	 * @param target its state
	 */
	public record Local(int slot, PartitionBinding binding, Checkpointable target) implements Route {

	}

	/**
	 * Send the call to the node that holds the slot.
	 *
	 * @param slot the slot
	 * @param node the holder's node id
	 * @param uri the endpoint to send it to
	 */
	public record Remote(int slot, String node, String uri) implements Route {

	}

	/**
	 * No node serves the slot now: refuse the call, which did not run.
	 *
	 * @param slot the slot
	 * @param reason why
	 * @param retryAfter when to try again
	 */
	public record Unavailable(int slot, String reason, Duration retryAfter) implements Route {

	}

	/**
	 * Return the slot a key belongs to.
	 * @param key the routing key
	 * @return the slot
	 */
	public int slotOf(String key) {
		return Slots.slotOf(key, this.slotCount);
	}

	/**
	 * Find where a call of a key goes, waiting a little while its slot moves or is taken.
	 * @param key the routing key
	 * @param forwarded whether the call was forwarded by another node (it is not
	 * forwarded again)
	 * @param deadlineNanos when the caller gives up ({@link System#nanoTime()})
	 * @return the route
	 */
	public Route route(String key, boolean forwarded, long deadlineNanos) {
		Slot slot = this.slots[slotOf(key)];
		long waitUntil = Math.min(deadlineNanos, System.nanoTime() + this.options.routeWait().toNanos());
		// a forwarded call came because another node thinks this one holds the slot: one
		// of the two views is out of date, so send it on only after a read of the owners
		// that began after it came
		long readBefore = forwarded ? this.readsStarted.get() : -1;
		while (true) {
			Partition partition = slot.partition;
			if (partition != null && partition.isServing() && System.nanoTime() < slot.servableUntil
					&& !slot.handingOff) {
				Checkpointable target = slot.target;
				if (target != null) {
					return new Local(slot.index, slot.binding(this::resync, partition), target);
				}
			}
			boolean held = partition != null;
			String releasedTo = slot.movedTo;
			if (!held && releasedTo != null && !releasedTo.equals(this.holder.node())) {
				String releasedToUri = this.view.uri(releasedTo);
				if (releasedToUri != null) {
					// this node released the slot to that node itself: no read of the
					// owners
					// can know better (and a leaving node reads none any more)
					return new Remote(slot.index, releasedTo, releasedToUri);
				}
			}
			if (!held && slot.ownerRead <= readBefore) {
				signal();
			}
			else if (!held) {
				View current = this.view;
				SlotOwner owner = slot.owner;
				// a holder that is handing the slot over still serves it until it
				// releases it,
				// even once it left the live members
				if (owner != null && owner.isHeld() && !owner.node().equals(this.holder.node())
						&& (current.isLive(owner.node()) || !owner.handoffTo().isEmpty())) {
					return new Remote(slot.index, owner.node(), owner.uri());
				}
				String movedTo = slot.movedTo;
				String desired = current.desired(slot.index);
				if (movedTo != null && !movedTo.equals(this.holder.node())) {
					String uri = current.uri(movedTo);
					if (uri != null) {
						return new Remote(slot.index, movedTo, uri);
					}
				}
				if (!forwarded && desired != null && !desired.equals(this.holder.node())) {
					String uri = current.uri(desired);
					if (uri != null) {
						return new Remote(slot.index, desired, uri);
					}
				}
				if (this.holder.node().equals(desired)) {
					signal();
				}
			}
			long left = waitUntil - System.nanoTime();
			if (left <= 0) {
				return new Unavailable(slot.index,
						held ? "slot " + slot.storeName + " is held here but not served now ("
								+ describe(slot, partition) + ")"
								: "no node serves slot " + slot.storeName + " now; its owner record is " + slot.owner,
						this.options.retryAfter());
			}
			slot.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(this.options.refresh().toMillis())));
		}
	}

	private String describe(Slot slot, @Nullable Partition partition) {
		if (slot.handingOff) {
			return "handing it over";
		}
		if (partition != null && !partition.isServing()) {
			return partition.getState().name().toLowerCase(Locale.ROOT);
		}
		return "its lease is being renewed";
	}

	// ---------------------------------------------------------------- reconciling

	private void reconcile() {
		while (this.running) {
			long next;
			try {
				next = tick();
				if (this.redisFailing) {
					this.redisFailing = false;
					logger.info("The slots of '" + this.service + "' are reconciled again");
				}
			}
			catch (RuntimeException ex) {
				next = this.options.refresh().toMillis();
				if (!this.redisFailing) {
					this.redisFailing = true;
					logger.warn("Cannot reconcile the slots of '" + this.service + "' (their leases run out unless "
							+ "this recovers): " + ex);
				}
			}
			sleep(next);
		}
	}

	private void sleep(long millis) {
		this.tickLock.lock();
		try {
			if (!this.woken && this.running) {
				this.wakeUp.await(millis, TimeUnit.MILLISECONDS);
			}
			this.woken = false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.tickLock.unlock();
		}
	}

	private void signal() {
		this.tickLock.lock();
		try {
			this.woken = true;
			this.wakeUp.signalAll();
		}
		finally {
			this.tickLock.unlock();
		}
	}

	/**
	 * One round of reconciling.
	 * @return how long to wait before the next round, in milliseconds: soon while a slot
	 * moves, at the moment a lease this node waits for runs out, else the refresh
	 * interval
	 */
	synchronized long tick() {
		SlotLeases.Members members = heartbeat();
		refreshHeld();
		List<String> names = new ArrayList<>(this.slotCount);
		for (Slot slot : this.slots) {
			names.add(slot.storeName);
		}
		long read = this.readsStarted.incrementAndGet();
		List<SlotOwner> owners = this.leases.read(names);
		View view = view(members);
		this.view = view;
		boolean moving = false;
		long next = this.options.refresh().toMillis();
		String me = this.holder.node();
		for (Slot slot : this.slots) {
			SlotOwner owner = owners.get(slot.index);
			slot.owner = owner;
			slot.ownerRead = read;
			if (slot.partition == null && owner.isHeld() && !view.isLive(owner.node())
					&& me.equals(view.desired(slot.index))) {
				// its holder stopped renewing: take the slot the moment its lease runs
				// out
				next = Math.min(next, Math.max(1, owner.expiresAt() - owner.now() + 5));
			}
			try {
				moving |= act(slot, owner, view);
			}
			catch (CheckpointFencedException ex) {
				drop(slot, "fenced while moving it: " + ex.getMessage());
			}
			catch (RuntimeException ex) {
				logger.warn("SLOT " + slot.storeName + ": could not act on it (" + ex + "); trying again");
				moving = true;
			}
			slot.signalAll();
		}
		return moving ? Math.min(next, FAST_TICK_MILLIS) : next;
	}

	private SlotLeases.Members heartbeat() {
		// a fresh id every time: if Redis lost the members hash, whichever node writes it
		// first gives it a new id, and every node, that one too, sees the change
		String proposed = UUID.randomUUID().toString();
		SlotLeases.Members members = this.leases.heartbeat(this.service, this.holder, this.options.leaseTime(),
				proposed);
		String known = this.clusterId;
		if (known != null && !known.equals(members.clusterId())) {
			logger.error("REDIS LOST DATA: the slot records of '" + this.service + "' were lost; this node keeps "
					+ "the slots it holds, writes their records and checkpoints again, and takes no other slot for "
					+ (2 * this.options.leaseTime().toMillis()) + " ms");
			this.recoveryUntilNanos = System.nanoTime() + this.options.leaseTime().multipliedBy(2).toNanos();
			for (Slot slot : this.slots) {
				Partition partition = slot.partition;
				if (partition != null) {
					this.scheduler.requestCheckpoint(partition);
				}
			}
		}
		this.clusterId = members.clusterId();
		return members;
	}

	private void refreshHeld() {
		Map<String, Long> held = new LinkedHashMap<>();
		List<Slot> order = new ArrayList<>();
		for (Slot slot : this.slots) {
			Partition partition = slot.partition;
			if (partition != null) {
				held.put(slot.storeName, partition.getEpoch());
				order.add(slot);
			}
		}
		if (held.isEmpty()) {
			return;
		}
		long sent = System.nanoTime();
		List<SlotLeases.Refresh> refreshes = this.leases.refresh(held, this.holder, this.options.leaseTime());
		// with replicated durability a lease counts only once a replica has it: a
		// failover that lost the refresh
		// would let the slot's lease run out earlier than this node thinks
		boolean replicated = replicated(order.get(0).storeName);
		long until = sent + this.options.leaseTime().minus(this.options.margin()).toNanos();
		for (int i = 0; i < order.size(); i++) {
			Slot slot = order.get(i);
			SlotLeases.Refresh refresh = refreshes.get(i);
			if (!refresh.held()) {
				this.losses.incrementAndGet();
				drop(slot, "another node took it (this node was paused or cut off past its lease)");
				continue;
			}
			if (replicated) {
				slot.servableUntil = until;
			}
			slot.handoffTo = refresh.handoffTo();
			slot.readyBy = refresh.readyBy();
			if (refresh.recreated()) {
				logger.error("REDIS LOST DATA: the owner record of " + slot.storeName + " was gone; this node "
						+ "wrote it again and writes a checkpoint of the slot now");
				Partition partition = slot.partition;
				if (partition != null) {
					this.scheduler.requestCheckpoint(partition);
				}
			}
		}
	}

	private boolean act(Slot slot, SlotOwner owner, View view) {
		String me = this.holder.node();
		String desired = view.desired(slot.index);
		Partition partition = slot.partition;
		if (partition != null) {
			if (!partition.isServing() && partition.getState() != Partition.State.RESYNC_NEEDED) {
				drop(slot, "its partition is " + partition.getState());
				return false;
			}
			if (!partition.isServing()) {
				// in doubt until it resyncs: not the time to hand it over
				return false;
			}
			return handOver(slot, partition,
					(desired != null && !desired.equals(me) && view.isLive(desired)) ? desired : null);
		}
		if (slot.preloaded != null && !me.equals(owner.handoffTo()) && !me.equals(owner.releasedTo())) {
			discardPreload(slot, "the handover was called off");
		}
		if (me.equals(owner.releasedTo()) && owner.expiresAt() > owner.now()) {
			take(slot, "handed over by " + owner.node());
			return false;
		}
		if (!owner.isHeld()) {
			// free, released to no one in particular, or its holder stopped renewing (it
			// may have died in the
			// middle of handing the slot to this node: what was loaded for that is used)
			if (!me.equals(desired)) {
				return false;
			}
			if (owner.isMissing() && (System.nanoTime() < this.recoveryUntilNanos || !view.allListedLive()
					&& System.nanoTime() - this.startedNanos < this.options.leaseTime().multipliedBy(2).toNanos())) {
				// a free slot: the nodes starting with this one may not have sent their
				// first heartbeat yet
				return true;
			}
			take(slot, owner.isMissing() ? "free" : "its holder " + owner.node() + " is gone");
			return false;
		}
		if (me.equals(owner.handoffTo())) {
			if (slot.preloaded == null) {
				preload(slot);
			}
			if (!me.equals(owner.readyBy())) {
				this.leases.ready(slot.storeName, me);
			}
			return true;
		}
		return false;
	}

	/**
	 * Hand a held slot to the node that should hold it, one step per round: announce,
	 * wait for it to be ready, release.
	 * @return whether the slot is moving
	 */
	private boolean handOver(Slot slot, Partition partition, @Nullable String target) {
		if (target == null) {
			if (!slot.handoffTo.isEmpty()) {
				this.leases.handOff(slot.storeName, this.holder, partition.getEpoch(), "");
				slot.handoffTo = "";
			}
			slot.handoffStarted = 0;
			return false;
		}
		if (!target.equals(slot.handoffTo)) {
			if (this.leases.handOff(slot.storeName, this.holder, partition.getEpoch(), target)) {
				slot.handoffTo = target;
				slot.handoffStarted = System.nanoTime();
			}
			return true;
		}
		if (System.nanoTime() - slot.handoffStarted > this.options.handoffTimeout().toNanos()) {
			logger.warn("SLOT " + slot.storeName + ": " + target + " did not get ready within "
					+ this.options.handoffTimeout() + "; keeping the slot and trying again");
			this.leases.handOff(slot.storeName, this.holder, partition.getEpoch(), "");
			slot.handoffTo = "";
			return false;
		}
		if (target.equals(slot.readyBy)) {
			release(slot, partition, target);
			return false;
		}
		return true;
	}

	private void release(Slot slot, Partition partition, String target) {
		long started = System.nanoTime();
		// calls of the slot that arrive from now on wait for the new holder
		slot.handingOff = true;
		try {
			String cursor;
			try {
				cursor = partition.drain();
			}
			catch (RuntimeException ex) {
				// the next holder reads the log as it is; an append of unknown outcome is
				// fenced by its take
				cursor = "unknown (" + ex.getMessage() + ")";
			}
			boolean released = this.leases.release(slot.storeName, this.holder, partition.getEpoch(), target,
					this.options.leaseTime());
			slot.movedTo = target.isEmpty() ? null : target;
			drop(slot, null);
			if (released) {
				this.handoffs.incrementAndGet();
				logger.info("SLOT " + slot.storeName + ": handed over to " + (target.isEmpty() ? "any node" : target)
						+ " (epoch " + partition.getEpoch() + ", log at " + cursor + ", "
						+ (System.nanoTime() - started) / 1_000_000 + " ms)");
			}
			else {
				logger.info("SLOT " + slot.storeName + ": dropped (epoch " + partition.getEpoch()
						+ "): it was taken while being handed over");
			}
		}
		finally {
			slot.handingOff = false;
			slot.signalAll();
		}
	}

	private void preload(Slot slot) {
		long started = System.nanoTime();
		T target = this.state.newSlot();
		Partition partition = this.loader.create(this.service, slot.storeName, target, this.options.rememberedCalls());
		String cursor = this.loader.load(partition, bound(target));
		slot.preloaded = new Preloaded(partition, target, cursor);
		if (logger.isDebugEnabled()) {
			logger.debug("SLOT " + slot.storeName + ": loaded ahead of its handover in "
					+ (System.nanoTime() - started) / 1_000_000 + " ms");
		}
	}

	private void discardPreload(Slot slot, String reason) {
		Preloaded preloaded = slot.preloaded;
		slot.preloaded = null;
		if (preloaded != null && logger.isDebugEnabled()) {
			logger.debug("SLOT " + slot.storeName + ": dropping what was loaded for its handover: " + reason);
		}
	}

	private void take(Slot slot, String why) {
		long started = System.nanoTime();
		SlotLeases.Take take = this.leases.take(slot.storeName, this.holder, this.options.leaseTime(),
				this.options.leaseTime().multipliedBy(2));
		if (!take.taken()) {
			return;
		}
		long sent = started;
		awaitReplicas(slot);
		Preloaded preloaded = slot.preloaded;
		slot.preloaded = null;
		T target;
		Partition partition;
		String cursor;
		long entries;
		if (preloaded != null) {
			target = cast(preloaded.target());
			partition = preloaded.partition();
			long before = partition.status().replayedCalls();
			cursor = this.loader.catchUp(partition, preloaded.cursor(), bound(target));
			entries = partition.status().replayedCalls() - before;
		}
		else {
			target = this.state.newSlot();
			partition = this.loader.create(this.service, slot.storeName, target, this.options.rememberedCalls());
			cursor = this.loader.load(partition, bound(target));
			entries = partition.status().replayedCalls();
		}
		this.loader.serve(partition, take.epoch(), cursor, this.listener);
		slot.target = target;
		slot.partition = partition;
		slot.movedTo = null;
		slot.handoffTo = "";
		slot.readyBy = "";
		slot.servableUntil = sent + this.options.leaseTime().minus(this.options.margin()).toNanos();
		this.state.held(slot.index, target);
		this.scheduler.add(partition);
		this.takes.incrementAndGet();
		logger.info("SLOT " + slot.storeName + ": taken (" + why + ") from "
				+ (take.previous().isEmpty() ? "no holder" : take.previous()) + ", epoch " + take.epoch() + ", "
				+ entries + " log entries replayed, " + (System.nanoTime() - started) / 1_000_000 + " ms");
		slot.signalAll();
	}

	private boolean replicated(String storeName) {
		int replicas = this.loader.getOptions().requiredReplicas();
		if (replicas == 0) {
			return true;
		}
		try {
			return this.loader.getStore()
				.awaitReplicas(storeName, replicas, this.loader.getOptions().replicationTimeout()) >= replicas;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private void awaitReplicas(Slot slot) {
		int replicas = this.loader.getOptions().requiredReplicas();
		if (replicas == 0) {
			return;
		}
		int acknowledged = this.loader.getStore()
			.awaitReplicas(slot.storeName, replicas, this.loader.getOptions().replicationTimeout());
		if (acknowledged < replicas) {
			// the new epoch might not survive a failover: do not serve with it
			throw new IllegalStateException(
					acknowledged + " of " + replicas + " replicas acknowledged the take of " + slot.storeName);
		}
	}

	private void drop(Slot slot, @Nullable String reason) {
		Partition partition = slot.partition;
		Checkpointable target = slot.target;
		slot.partition = null;
		slot.target = null;
		slot.servableUntil = 0;
		if (partition != null) {
			this.scheduler.remove(partition);
			partition.close();
		}
		if (target != null) {
			this.state.released(slot.index, cast(target));
		}
		if (reason != null && partition != null) {
			logger.info("SLOT " + slot.storeName + ": dropped (epoch " + partition.getEpoch() + "): " + reason);
		}
		slot.signalAll();
	}

	/**
	 * Resync a slot whose log append had an unknown outcome: take it again (this node
	 * still holds it, so the take succeeds at once and gives a newer epoch), then read
	 * the log.
	 */
	private void resync(Partition partition) {
		Slot slot = slotOf(partition);
		synchronized (partition) {
			if (partition.getState() != Partition.State.RESYNC_NEEDED || slot.partition != partition) {
				return;
			}
			long sent = System.nanoTime();
			SlotLeases.Take take = this.leases.take(slot.storeName, this.holder, this.options.leaseTime(),
					this.options.leaseTime().multipliedBy(2));
			if (!take.taken()) {
				drop(slot, "it was taken while its log was in doubt");
				throw new CheckpointFencedException(slot.storeName, partition.getEpoch(), partition.getEpoch() + 1);
			}
			awaitReplicas(slot);
			T target = cast(Objects.requireNonNull(slot.target));
			this.loader.resync(partition, take.epoch(), bound(target), this.listener);
			slot.servableUntil = sent + this.options.leaseTime().minus(this.options.margin()).toNanos();
			slot.signalAll();
		}
	}

	private Slot slotOf(Partition partition) {
		for (Slot slot : this.slots) {
			if (slot.storeName.equals(partition.getStoreName())) {
				return slot;
			}
		}
		throw new IllegalArgumentException(partition + " is no slot of '" + this.service + "'");
	}

	@SuppressWarnings("unchecked")
	private T cast(Checkpointable target) {
		// every state in this table was made by its PartitionedState
		return (T) target;
	}

	private CommandReplayer bound(T target) {
		return (method, params) -> this.state.callWith(target, () -> this.replayer.replay(method, params));
	}

	private void leaveGracefully() {
		long deadline = System.nanoTime() + this.options.handoffTimeout().toNanos();
		View current = this.view;
		while (System.nanoTime() < deadline) {
			boolean left = true;
			List<String> names = new ArrayList<>();
			for (Slot slot : this.slots) {
				names.add(slot.storeName);
			}
			List<SlotOwner> owners;
			try {
				refreshHeld();
				owners = this.leases.read(names);
			}
			catch (RuntimeException ex) {
				break;
			}
			for (Slot slot : this.slots) {
				Partition partition = slot.partition;
				if (partition == null) {
					continue;
				}
				left = false;
				String next = current.next(slot.index, this.holder.node());
				slot.owner = owners.get(slot.index);
				try {
					if (next == null) {
						release(slot, partition, "");
					}
					else {
						handOver(slot, partition, next);
					}
				}
				catch (RuntimeException ex) {
					logger.debug("SLOT " + slot.storeName + ": could not hand it over on leaving", ex);
				}
			}
			if (left) {
				return;
			}
			try {
				Thread.sleep(FAST_TICK_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		// whatever is still held is released to anyone, so that it is taken at once
		for (Slot slot : this.slots) {
			Partition partition = slot.partition;
			if (partition != null) {
				try {
					release(slot, partition, "");
				}
				catch (RuntimeException ex) {
					logger.debug("SLOT " + slot.storeName + ": could not release it on leaving", ex);
				}
			}
		}
	}

	private View view(SlotLeases.Members members) {
		List<ServiceInstance> listed = this.instances.getInstances(this.service);
		if (listed.isEmpty()) {
			// a node without a list is alone
			listed = this.alone;
		}
		View last = this.view;
		HashRing ring = (listed == last.listed || listed.equals(last.listed)) ? last.ring
				: HashRing.of(listed, this.virtualNodes, this.weights);
		Map<String, String> live = new LinkedHashMap<>();
		members.members().forEach((node, member) -> {
			if (member.expiresAt() > members.now()) {
				live.put(node, member.uri());
			}
		});
		live.put(this.holder.node(), this.holder.uri());
		String[][] preference = (ring == last.ring && last.preference.length == this.slotCount) ? last.preference
				: preferences(ring);
		return new View(listed, ring, preference, live);
	}

	private String[][] preferences(HashRing ring) {
		String[][] preference = new String[this.slotCount][];
		for (int i = 0; i < this.slotCount; i++) {
			List<ServiceInstance> order = Slots.preference(ring, i);
			preference[i] = order.stream().map(Slots::nodeId).toArray(String[]::new);
		}
		return preference;
	}

	// ---------------------------------------------------------------- status

	/**
	 * What this node knows of one slot.
	 *
	 * @param slot the slot
	 * @param storeName its store name
	 * @param holder the node holding it, as last read
	 * @param epoch the epoch it is held with
	 * @param heldHere whether this node holds it
	 * @param state the state of its partition here, or {@code null} if not held here
	 * @param desired the node that should hold it
	 */
	public record SlotStatus(int slot, String storeName, String holder, long epoch, boolean heldHere,
			Partition.@Nullable State state, @Nullable String desired) {

	}

	/**
	 * Return what this node knows of every slot.
	 * @return the slots, in order
	 */
	public List<SlotStatus> getSlots() {
		List<SlotStatus> statuses = new ArrayList<>(this.slotCount);
		View current = this.view;
		for (Slot slot : this.slots) {
			Partition partition = slot.partition;
			SlotOwner owner = slot.owner;
			statuses.add(new SlotStatus(slot.index, slot.storeName, (owner != null) ? owner.node() : "",
					(partition != null) ? partition.getEpoch() : (owner != null) ? owner.epoch() : 0, partition != null,
					(partition != null) ? partition.getState() : null, current.desired(slot.index)));
		}
		return statuses;
	}

	/**
	 * Return the checkpoint status of every slot held here.
	 * @return the statuses
	 */
	public List<CheckpointStatus> getHeldStatuses() {
		List<CheckpointStatus> statuses = new ArrayList<>();
		for (Slot slot : this.slots) {
			Partition partition = slot.partition;
			if (partition != null) {
				statuses.add(partition.status());
			}
		}
		return statuses;
	}

	/**
	 * Return how many slots this node took.
	 * @return the count
	 */
	public long getTakes() {
		return this.takes.get();
	}

	/**
	 * Return how many slots this node handed over.
	 * @return the count
	 */
	public long getHandoffs() {
		return this.handoffs.get();
	}

	/**
	 * Return how many slots this node lost to another node that took them.
	 * @return the count
	 */
	public long getLosses() {
		return this.losses.get();
	}

	/**
	 * Write a checkpoint of every slot held here now.
	 * @return the statuses after it
	 */
	public List<CheckpointStatus> checkpointAll() {
		List<CheckpointStatus> statuses = new ArrayList<>();
		for (Slot slot : this.slots) {
			Partition partition = slot.partition;
			if (partition != null && partition.isServing()) {
				this.checkpointer.checkpoint(partition, true);
				statuses.add(partition.status());
			}
		}
		return statuses;
	}

	// ---------------------------------------------------------------- parts

	private final class Listener implements PartitionListener {

		@Override
		public void fenced(Partition partition, CheckpointFencedException ex) {
			Slot slot = slotOf(partition);
			if (slot.partition == partition) {
				SlotTable.this.losses.incrementAndGet();
				drop(slot, "fenced: " + ex.getMessage());
				signal();
			}
		}

		@Override
		public void resyncNeeded(Partition partition, Throwable cause) {
			SlotTable.this.scheduler.requestResync(partition);
		}

		@Override
		public void checkpointNeeded(Partition partition) {
			SlotTable.this.scheduler.requestCheckpoint(partition);
		}

	}

	private record Preloaded(Partition partition, Checkpointable target, String cursor) {

	}

	/**
	 * What this node knows and holds of one slot. Fields are written by the reconciler
	 * (and a resync), read by calls.
	 */
	private static final class Slot {

		final int index;

		final String storeName;

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition changed = this.lock.newCondition();

		volatile @Nullable Partition partition;

		volatile @Nullable Checkpointable target;

		volatile long servableUntil;

		volatile boolean handingOff;

		volatile @Nullable SlotOwner owner;

		/** The round that read {@link #owner}. */
		volatile long ownerRead;

		volatile @Nullable String movedTo;

		volatile String handoffTo = "";

		volatile String readyBy = "";

		volatile long handoffStarted;

		volatile @Nullable Preloaded preloaded;

		private volatile @Nullable PartitionBinding binding;

		Slot(int index, String storeName) {
			this.index = index;
			this.storeName = storeName;
		}

		PartitionBinding binding(PartitionScheduler.Resyncer resyncer, Partition partition) {
			PartitionBinding current = this.binding;
			if (current == null || current.partition() != partition) {
				current = new PartitionBinding(partition, resyncer);
				this.binding = current;
			}
			return current;
		}

		void await(long nanos) {
			this.lock.lock();
			try {
				this.changed.awaitNanos(nanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.lock.unlock();
			}
		}

		void signalAll() {
			this.lock.lock();
			try {
				this.changed.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}

	}

	/**
	 * Who should hold which slot, from the instance list and the live heartbeats.
	 */
	private record View(List<ServiceInstance> listed, HashRing ring, String[][] preference, Map<String, String> live) {

		static final View EMPTY = new View(List.of(), HashRing.empty(), new String[0][], Map.of());

		boolean isLive(String node) {
			return this.live.containsKey(node);
		}

		boolean allListedLive() {
			for (ServiceInstance instance : this.listed) {
				if (!this.live.containsKey(Slots.nodeId(instance))) {
					return false;
				}
			}
			return true;
		}

		@Nullable String uri(String node) {
			return this.live.get(node);
		}

		@Nullable String desired(int slot) {
			if (slot >= this.preference.length) {
				return null;
			}
			for (String node : this.preference[slot]) {
				if (this.live.containsKey(node)) {
					return node;
				}
			}
			return null;
		}

		@Nullable String next(int slot, String leaving) {
			if (slot >= this.preference.length) {
				return null;
			}
			for (String node : this.preference[slot]) {
				if (!node.equals(leaving) && this.live.containsKey(node)) {
					return node;
				}
			}
			return null;
		}

	}

}
