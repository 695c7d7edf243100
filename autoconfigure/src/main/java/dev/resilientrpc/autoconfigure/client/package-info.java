/**
 * Auto-configuration for JSON-RPC client proxies.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.client;

import org.jspecify.annotations.NullMarked;
