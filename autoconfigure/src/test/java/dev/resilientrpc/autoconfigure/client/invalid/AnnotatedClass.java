package dev.resilientrpc.autoconfigure.client.invalid;

import dev.resilientrpc.annotation.ResilientRpc;

/**
 * A class wrongly annotated as a client.
 */
@ResilientRpc(service = "greeter")
public class AnnotatedClass {

}
