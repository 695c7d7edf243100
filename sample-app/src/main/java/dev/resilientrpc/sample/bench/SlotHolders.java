package dev.resilientrpc.sample.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.sample.demo.NodeProcess;

/**
 * Which node holds each slot of the kv service, as the nodes report the slots they hold
 * in their {@code /actuator/resilientrpc/kv} endpoint.
 */
final class SlotHolders {

	private static final ObjectMapper MAPPER = JsonMapper.builder().build();

	private SlotHolders() {
	}

	/**
	 * Wait until every slot is held by one of the nodes, each slot by exactly one.
	 * @param nodes the nodes to ask
	 * @return each slot's holder
	 * @throws InterruptedException if interrupted
	 */
	static Map<Integer, NodeProcess> awaitAllHeld(List<NodeProcess> nodes) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (System.nanoTime() < deadline) {
			Map<Integer, NodeProcess> holders = read(nodes);
			if (holders != null) {
				return holders;
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException("Not every slot was held once within 2 minutes");
	}

	/**
	 * Each slot's holder, or {@code null} while some slot is held by none or by more than
	 * one of the nodes, or a node does not answer.
	 * @param nodes the nodes to ask
	 * @return each slot's holder, or {@code null}
	 */
	static @Nullable Map<Integer, NodeProcess> read(List<NodeProcess> nodes) {
		Map<Integer, NodeProcess> holders = new HashMap<>();
		int slots = -1;
		for (NodeProcess node : nodes) {
			JsonNode part = slotsOf(node);
			if (part == null) {
				return null;
			}
			slots = part.path("slotCount").asInt();
			for (JsonNode held : part.path("held")) {
				if (holders.put(held.path("slot").asInt(), node) != null) {
					return null;
				}
			}
		}
		return (slots > 0 && holders.size() == slots) ? holders : null;
	}

	/**
	 * Whether a node reports that it holds a slot.
	 * @param node the node
	 * @param slot the slot
	 * @return whether it holds it
	 */
	static boolean holds(NodeProcess node, int slot) {
		JsonNode part = slotsOf(node);
		if (part != null) {
			for (JsonNode held : part.path("held")) {
				if (held.path("slot").asInt() == slot) {
					return true;
				}
			}
		}
		return false;
	}

	private static @Nullable JsonNode slotsOf(NodeProcess node) {
		String body = node.actuator("/actuator/resilientrpc/kv");
		if (body == null) {
			return null;
		}
		JsonNode part = MAPPER.readTree(body).path("slots");
		return part.isObject() ? part : null;
	}

}
