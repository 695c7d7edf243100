package dev.resilientrpc.autoconfigure.slot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.resilientrpc.autoconfigure.endpoint.ResilientRpcEndpointContributor;
import dev.resilientrpc.checkpoint.CheckpointStatus;
import dev.resilientrpc.slot.SlotTable;
import dev.resilientrpc.slot.SlotTable.SlotStatus;
import dev.resilientrpc.slot.SlotTables;

/**
 * The {@code slots} part of the {@code resilientrpc} endpoint: per partitioned service,
 * the slots this node holds (with their epochs), how many slots each node holds, and the
 * takeovers, handoffs and losses so far; and an action, {@code POST
 * /actuator/resilientrpc/slots/{service}}, that checkpoints every slot held here now.
 */
public class SlotEndpointContributor implements ResilientRpcEndpointContributor {

	private final SlotTables tables;

	/**
	 * Create a new contributor.
	 * @param tables the slot tables
	 */
	public SlotEndpointContributor(SlotTables tables) {
		this.tables = tables;
	}

	@Override
	public String getName() {
		return "slots";
	}

	@Override
	public Map<String, SlotsDescriptor> describe() {
		Map<String, SlotsDescriptor> services = new LinkedHashMap<>();
		for (SlotTable<?> table : this.tables.all()) {
			services.put(table.getService(), describe(table));
		}
		return services;
	}

	@Override
	public @Nullable SlotsDescriptor describe(String service) {
		SlotTable<?> table = this.tables.find(service);
		return (table != null) ? describe(table) : null;
	}

	@Override
	public @Nullable List<CheckpointStatus> act(String service) {
		SlotTable<?> table = this.tables.find(service);
		return (table != null) ? table.checkpointAll() : null;
	}

	private static SlotsDescriptor describe(SlotTable<?> table) {
		List<HeldSlot> held = new ArrayList<>();
		Map<String, Integer> holders = new TreeMap<>();
		String[] owners = new String[table.getSlotCount()];
		Arrays.fill(owners, "");
		for (SlotStatus slot : table.getSlots()) {
			if (slot.heldHere()) {
				held.add(new HeldSlot(slot.slot(), slot.epoch(), (slot.state() != null) ? slot.state().name() : null));
				holders.merge(table.getNodeId(), 1, Integer::sum);
				owners[slot.slot()] = table.getNodeId();
			}
			else if (!slot.holder().isEmpty()) {
				holders.merge(slot.holder(), 1, Integer::sum);
				owners[slot.slot()] = slot.holder();
			}
		}
		return new SlotsDescriptor(table.getNodeId(), table.getSlotCount(), held, holders, List.of(owners),
				table.getTakes(), table.getHandoffs(), table.getLosses());
	}

	/**
	 * The slots of one partitioned service.
	 *
	 * @param nodeId this node's id
	 * @param slotCount the slots of the service
	 * @param held the slots this node holds
	 * @param holders how many slots each node holds, as far as this node knows
	 * @param owners the holder of each slot, by slot number, as far as this node knows
	 * ({@code ""} if none is known)
	 * @param takes slots this node took
	 * @param handoffs slots this node handed over
	 * @param losses slots this node lost to a node that took them
	 */
	public record SlotsDescriptor(String nodeId, int slotCount, List<HeldSlot> held, Map<String, Integer> holders,
			List<String> owners, long takes, long handoffs, long losses) {

	}

	/**
	 * One slot held here.
	 *
	 * @param slot the slot number
	 * @param epoch the epoch this node holds it with
	 * @param state the state of its partition, or {@code null} if it has none yet
	 */
	public record HeldSlot(int slot, long epoch, @Nullable String state) {

	}

}
