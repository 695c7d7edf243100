/**
 * A key-value node whose state is split into slots, run in-process by the slot tests.
 */
@NullMarked
package dev.resilientrpc.slot.kv;

import org.jspecify.annotations.NullMarked;
