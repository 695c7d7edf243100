package dev.resilientrpc.sample.client;

import dev.resilientrpc.annotation.ResilientRpc;
import dev.resilientrpc.sample.KvApi;

/**
 * Client of the {@code kv} service.
 */
@ResilientRpc(service = "kv")
public interface KvClient extends KvApi {

}
