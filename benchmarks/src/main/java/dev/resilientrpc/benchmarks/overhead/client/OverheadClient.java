package dev.resilientrpc.benchmarks.overhead.client;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.benchmarks.overhead.OrderApi;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The client application with the proxy.
 */
@SpringBootApplication
public class OverheadClient {

	/**
	 * The proxy.
	 */
	@ResilientRpc(service = "orders")
	public interface OrderClient extends OrderApi {

	}

}
