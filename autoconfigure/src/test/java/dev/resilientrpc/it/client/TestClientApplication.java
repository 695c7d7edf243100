package dev.resilientrpc.it.client;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.it.CalculatorApi;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A client application: its package holds the {@code @ResilientRpc} interfaces.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestClientApplication {

	/** Client of the calculator. */
	@ResilientRpc(service = "calc")
	public interface CalculatorClient extends CalculatorApi {

	}

	/** Client of a service the server does not export. */
	@ResilientRpc(service = "missing")
	public interface MissingServiceClient {

		String hello();

	}

	/** Client whose only instance is down. */
	@ResilientRpc(service = "down")
	public interface DownServiceClient {

		String hello();

	}

}
