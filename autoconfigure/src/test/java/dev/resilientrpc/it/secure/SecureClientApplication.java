package dev.resilientrpc.it.secure;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.it.CalculatorApi;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A client application with one {@code @ResilientRpc} interface, for the security tests.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SecureClientApplication {

	/** Client of the calculator. */
	@ResilientRpc(service = "calc")
	public interface SecureCalculatorClient extends CalculatorApi {

	}

}
