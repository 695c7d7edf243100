package dev.resilientrpc.slot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The slot tables of this node, one per partitioned service.
 */
public final class SlotTables {

	private final Map<String, SlotTable<?>> tables;

	/**
	 * Hold tables.
	 * @param tables the tables
	 */
	public SlotTables(List<SlotTable<?>> tables) {
		Map<String, SlotTable<?>> byService = new LinkedHashMap<>();
		for (SlotTable<?> table : tables) {
			byService.put(table.getService(), table);
		}
		this.tables = Collections.unmodifiableMap(byService);
	}

	/**
	 * Return the tables.
	 * @return the tables, in order
	 */
	public List<SlotTable<?>> all() {
		return new ArrayList<>(this.tables.values());
	}

	/**
	 * Return the table of a service.
	 * @param service the service
	 * @return its table, or {@code null} if its state is not split into slots
	 */
	public @Nullable SlotTable<?> find(String service) {
		return this.tables.get(service);
	}

}
