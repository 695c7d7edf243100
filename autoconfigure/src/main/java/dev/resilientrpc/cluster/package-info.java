/**
 * What clients and servers share about a service's members: its instances, where they
 * come from, and the consistent-hash ring that both sides build from them, so that they
 * agree on which instance owns a key.
 */
@NullMarked
package dev.resilientrpc.cluster;

import org.jspecify.annotations.NullMarked;
