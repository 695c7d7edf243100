package dev.resilientrpc.benchmarks.overhead.server;

import dev.resilientrpc.annotation.RpcService;
import dev.resilientrpc.benchmarks.overhead.Order;
import dev.resilientrpc.benchmarks.overhead.OrderApi;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * One server with the same work behind a {@code @RestController} and a JSON-RPC export.
 */
@SpringBootApplication
public class OverheadServer {

	/**
	 * The JSON-RPC export.
	 */
	@RpcService("orders")
	@Service
	public static class RpcOrders implements OrderApi {

		@Override
		public Order price(Order order) {
			return order.priced();
		}

	}

	/**
	 * The plain REST endpoint.
	 */
	@RestController
	public static class RestOrders {

		@PostMapping("/plain/price")
		public Order price(@RequestBody Order order) {
			return order.priced();
		}

	}

}
