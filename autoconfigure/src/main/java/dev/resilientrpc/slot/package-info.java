/**
 * State split into slots: each key belongs to a slot, each slot is checkpointed and
 * logged on its own and held by one node at a time, and slots move between nodes with
 * their state when nodes fail, join, leave or come back. Calls are routed to the node
 * holding their key's slot.
 */
@NullMarked
package dev.resilientrpc.slot;

import org.jspecify.annotations.NullMarked;
