/**
 * A kv client application.
 */
@NullMarked
package dev.resilientrpc.sample.client;

import org.jspecify.annotations.NullMarked;
