/**
 * Auto-configuration of state split into slots: slot tables, routing and forwarding of
 * calls to the node that holds a key's slot.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.slot;

import org.jspecify.annotations.NullMarked;
