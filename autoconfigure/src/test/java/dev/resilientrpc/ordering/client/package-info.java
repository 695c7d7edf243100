/**
 * The client application of the ordering tests.
 */
@NullMarked
package dev.resilientrpc.ordering.client;

import org.jspecify.annotations.NullMarked;
