/**
 * A client of the slot tests' kv service, through a {@code @ResilientRpc} proxy.
 */
@NullMarked
package dev.resilientrpc.slot.client;

import org.jspecify.annotations.NullMarked;
