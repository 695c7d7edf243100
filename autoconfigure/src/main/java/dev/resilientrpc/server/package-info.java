/**
 * Server side: exports annotated beans at one JSON-RPC 2.0 endpoint.
 */
@NullMarked
package dev.resilientrpc.server;

import org.jspecify.annotations.NullMarked;
