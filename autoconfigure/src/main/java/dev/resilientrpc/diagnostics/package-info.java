/**
 * Startup errors in how an application sets resilient-rpc up, each with the action that
 * fixes it.
 */
@NullMarked
package dev.resilientrpc.diagnostics;

import org.jspecify.annotations.NullMarked;
