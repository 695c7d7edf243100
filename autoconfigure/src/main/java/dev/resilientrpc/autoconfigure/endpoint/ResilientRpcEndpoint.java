package dev.resilientrpc.autoconfigure.endpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code resilientrpc}: the ring and its instances, breakers, retry
 * budgets, checkpoints and slots of this process, each part from a
 * {@link ResilientRpcEndpointContributor}.
 * <ul>
 * <li>{@code GET /actuator/resilientrpc}: every part;</li>
 * <li>{@code GET /actuator/resilientrpc/{service}}: what each part knows of one service
 * (404 if none knows it);</li>
 * <li>{@code POST /actuator/resilientrpc/{part}/{name}}: an action on one item of a part,
 * such as taking the checkpoint {@code name} now.</li>
 * </ul>
 */
@Endpoint(id = "resilientrpc")
public class ResilientRpcEndpoint {

	private final List<ResilientRpcEndpointContributor> contributors;

	/**
	 * Create the endpoint.
	 * @param contributors the parts, in the order they are shown
	 */
	public ResilientRpcEndpoint(List<ResilientRpcEndpointContributor> contributors) {
		this.contributors = List.copyOf(contributors);
	}

	/**
	 * Describe every part.
	 * @return the parts by name
	 */
	@ReadOperation
	public Map<String, Object> describe() {
		Map<String, Object> parts = new LinkedHashMap<>();
		for (ResilientRpcEndpointContributor contributor : this.contributors) {
			parts.put(contributor.getName(), contributor.describe());
		}
		return parts;
	}

	/**
	 * Describe one service.
	 * @param service the service name
	 * @return the parts that know the service, by name, or {@code null} (404) if none
	 * does
	 */
	@ReadOperation
	public @Nullable Map<String, Object> service(@Selector String service) {
		Map<String, Object> parts = new LinkedHashMap<>();
		for (ResilientRpcEndpointContributor contributor : this.contributors) {
			Object part = contributor.describe(service);
			if (part != null) {
				parts.put(contributor.getName(), part);
			}
		}
		return parts.isEmpty() ? null : parts;
	}

	/**
	 * Act on one item of a part.
	 * @param part the part, such as {@code checkpoints}
	 * @param name the item, such as a checkpoint's name
	 * @return what the item looks like after the action
	 * @throws InvalidEndpointRequestException (400) if no part of that name takes actions
	 */
	@WriteOperation
	public Object act(@Selector String part, @Selector String name) {
		for (ResilientRpcEndpointContributor contributor : this.contributors) {
			if (contributor.getName().equals(part)) {
				Object result = contributor.act(name);
				if (result != null) {
					return result;
				}
			}
		}
		throw new InvalidEndpointRequestException("No action on '" + name + "' in part '" + part + "'",
				"no action on that item");
	}

}
