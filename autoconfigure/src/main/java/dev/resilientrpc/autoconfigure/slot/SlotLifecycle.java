package dev.resilientrpc.autoconfigure.slot;

import java.util.List;

import dev.resilientrpc.slot.SlotTable;

import org.springframework.context.SmartLifecycle;

/**
 * Joins the slots once the node's own state is restored and its web server takes calls,
 * and leaves them, handing every slot it holds to the node that should hold it next,
 * before the web server stops: a planned departure moves slots without an outage, calls
 * for them arriving meanwhile are forwarded to their new holders.
 */
final class SlotLifecycle implements SmartLifecycle {

	/**
	 * The phase: after the web server starts, before it stops.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1;

	private final List<SlotTable<?>> tables;

	private volatile boolean running;

	SlotLifecycle(List<SlotTable<?>> tables) {
		this.tables = List.copyOf(tables);
	}

	@Override
	public void start() {
		this.tables.forEach(SlotTable::start);
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.tables.forEach(SlotTable::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
