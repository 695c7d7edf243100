/**
 * Failure analysis of resilient-rpc's startup errors.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;
