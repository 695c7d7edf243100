/**
 * Measurements of the kv store as a cluster, run on demand from the sample's jar.
 */
@NullMarked
package dev.resilientrpc.sample.bench;

import org.jspecify.annotations.NullMarked;
