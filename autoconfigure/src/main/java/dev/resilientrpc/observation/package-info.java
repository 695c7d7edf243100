/**
 * What resilient-rpc tells Micrometer: the prefix of its own meters and the Micrometer
 * Observation contexts and conventions of JSON-RPC client and server calls, named after
 * the OpenTelemetry RPC semantic conventions.
 */
@NullMarked
package dev.resilientrpc.observation;

import org.jspecify.annotations.NullMarked;
