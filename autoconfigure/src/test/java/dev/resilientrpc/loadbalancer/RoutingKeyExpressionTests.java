package dev.resilientrpc.loadbalancer;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.annotation.RoutingKey;
import dev.resilientrpc.client.RpcClient;
import dev.resilientrpc.client.RpcClientProxyFactory;
import dev.resilientrpc.client.RpcTransport;
import dev.resilientrpc.cluster.ServiceInstance;

import static dev.resilientrpc.loadbalancer.LoadBalancerFixtures.instances;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for routing keys given as SpEL in {@code @ResilientRpc(key = ...)}.
 */
class RoutingKeyExpressionTests {

	private final List<ServiceInstance> members = instances(5);

	private final ConsistentHashLoadBalancer balancer = ConsistentHashLoadBalancer.builder((service) -> this.members)
		.build();

	/** Answers with the routing key and the instance the call went to. */
	private final RpcTransport transport = (call) -> call.getRoutingKey() + "@" + call.getTarget().endpoint();

	private final RpcClientProxyFactory factory = new RpcClientProxyFactory(
			new RpcClient(List.of(this.balancer), this.transport), JsonMapper.builder().build());

	@Test
	void keyExpressionRoutesTheCall() {
		OrdersClient client = this.factory.create(OrdersClient.class);
		for (int i = 0; i < 200; i++) {
			String id = "order-" + i;
			assertThat(client.place(new Order(id, i)))
				.isEqualTo(id + "@" + this.balancer.owner("orders", id).endpoint());
		}
	}

	@Test
	void keyExpressionSeesArgumentsByNameAndByIndex() {
		OrdersClient client = this.factory.create(OrdersClient.class);
		assertThat(client.pair("a", 7)).startsWith("a:7@");
		assertThat(client.byIndex("b", 8)).startsWith("8-b@");
	}

	@Test
	void nullKeyValueMeansNoKey() {
		assertThat(this.factory.create(OrdersClient.class).place(new Order(null, 1))).startsWith("null@");
	}

	@Test
	void routingKeyParameterStillWorks() {
		assertThat(this.factory.create(OrdersClient.class).plain("k")).startsWith("k@");
	}

	@Test
	void keyExpressionAndRoutingKeyParameterTogetherAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.create(ConflictingClient.class))
			.withMessageContaining("has both @ResilientRpc(key = \"#a\") and a @RoutingKey parameter");
	}

	@Test
	void invalidKeyExpressionIsRejectedWhenTheProxyIsCreated() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.create(BrokenClient.class))
			.withMessageContaining("@ResilientRpc(key = \"#a +\")")
			.withMessageContaining("is not a valid SpEL expression");
	}

	@Test
	void keyExpressionThatFailsOnACallNamesTheExpression() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.create(OrdersClient.class).place(null))
			.withMessageContaining("Cannot evaluate the routing key @ResilientRpc(key = \"#order.id\")");
	}

	/**
	 * An order.
	 *
	 * @param id its id
	 * @param amount its amount
	 */
	public record Order(String id, int amount) {
	}

	@ResilientRpc(service = "orders")
	interface OrdersClient {

		@ResilientRpc(key = "#order.id")
		String place(Order order);

		@ResilientRpc(key = "#first + ':' + #second")
		String pair(String first, int second);

		@ResilientRpc(key = "#p1 + '-' + #a0")
		String byIndex(String first, int second);

		String plain(@RoutingKey String key);

	}

	@ResilientRpc(service = "orders")
	interface ConflictingClient {

		@ResilientRpc(key = "#a")
		String call(@RoutingKey String a);

	}

	@ResilientRpc(service = "orders")
	interface BrokenClient {

		@ResilientRpc(key = "#a +")
		String call(String a);

	}

}
