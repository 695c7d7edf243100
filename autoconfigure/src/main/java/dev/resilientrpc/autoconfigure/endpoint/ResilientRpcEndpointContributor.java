package dev.resilientrpc.autoconfigure.endpoint;

import org.jspecify.annotations.Nullable;

/**
 * One part of the {@link ResilientRpcEndpoint resilientrpc} endpoint: each capability's
 * auto-configuration adds one as a bean, so that the endpoint shows what is there and
 * knows nothing of it. Contributors are shown in their {@code @Order}.
 */
public interface ResilientRpcEndpointContributor {

	/**
	 * Return the name of the part, its key in the endpoint's JSON, such as
	 * {@code loadBalancer}.
	 * @return the name
	 */
	String getName();

	/**
	 * Describe everything this part shows; the result is written as JSON.
	 * @return the description
	 */
	Object describe();

	/**
	 * Describe what this part knows of one service.
	 * @param service the service name
	 * @return the description, or {@code null} if the part knows nothing of it
	 */
	default @Nullable Object describe(String service) {
		return null;
	}

	/**
	 * Act on one item of this part, as when {@code POST
	 * /actuator/resilientrpc/checkpoints/{name}} takes a checkpoint now.
	 * @param name the item
	 * @return what the item looks like after it, or {@code null} if this part takes no
	 * action
	 */
	default @Nullable Object act(String name) {
		return null;
	}

}
