/**
 * Wiring shared by the auto-configurations of resilient-rpc.
 */
@NullMarked
package dev.resilientrpc.autoconfigure;

import org.jspecify.annotations.NullMarked;
