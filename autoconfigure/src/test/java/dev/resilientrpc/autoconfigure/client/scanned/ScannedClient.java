package dev.resilientrpc.autoconfigure.client.scanned;

import dev.resilientrpc.annotation.ResilientRpc;

/**
 * A client interface found by scanning.
 */
@ResilientRpc(service = "greeter")
public interface ScannedClient {

	String greet(String name);

}
