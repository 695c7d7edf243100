/**
 * The key-value store sample.
 */
@NullMarked
package dev.resilientrpc.sample;

import org.jspecify.annotations.NullMarked;
