/**
 * What clients saw of the kv store, as a history of operations, and the checker that
 * judges the store by it: no acknowledged write lost, none applied twice, none that was
 * refused as not executed, writes in order, no stale read. The demo and the chaos suite
 * share them.
 */
@NullMarked
package dev.resilientrpc.sample.history;

import org.jspecify.annotations.NullMarked;
