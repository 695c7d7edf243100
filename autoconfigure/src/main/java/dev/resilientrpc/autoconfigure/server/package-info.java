/**
 * Auto-configuration for the JSON-RPC server.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.server;

import org.jspecify.annotations.NullMarked;
