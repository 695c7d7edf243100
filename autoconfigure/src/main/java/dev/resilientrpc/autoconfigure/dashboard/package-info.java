/**
 * The live dashboard: a page served by a node that draws its ring, states and counters
 * from the {@code resilientrpc} endpoint's JSON.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.dashboard;

import org.jspecify.annotations.NullMarked;
