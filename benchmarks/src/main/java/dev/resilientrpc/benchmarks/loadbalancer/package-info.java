/**
 * Benchmarks of the consistent-hash load balancer: ring lookups beside a {@code TreeMap}
 * + MD5 ring and Guava's jump consistent hash, and a simulation of load spread and key
 * movement.
 */
@NullMarked
package dev.resilientrpc.benchmarks.loadbalancer;

import org.jspecify.annotations.NullMarked;
