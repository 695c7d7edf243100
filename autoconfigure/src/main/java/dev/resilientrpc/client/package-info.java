/**
 * Client side: proxies that turn interface calls into JSON-RPC 2.0 requests.
 */
@NullMarked
package dev.resilientrpc.client;

import org.jspecify.annotations.NullMarked;
