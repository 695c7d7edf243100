package dev.resilientrpc.ordering;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The invariants on one server with the in-memory store.
 */
class InMemoryOrderingInvariantsTests extends AbstractOrderingInvariantsTests {

	private static ConfigurableApplicationContext server;

	@BeforeAll
	static void start() {
		server = startServer("resilient-rpc.ordering.store=in-memory");
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Override
	List<ConfigurableApplicationContext> servers() {
		return List.of(server);
	}

}
