/**
 * JSON-RPC 2.0 wire constants shared by client and server: headers, error codes,
 * interceptor order.
 */
@NullMarked
package dev.resilientrpc.protocol;

import org.jspecify.annotations.NullMarked;
