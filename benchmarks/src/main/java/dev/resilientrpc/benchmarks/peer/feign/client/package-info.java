/**
 * The OpenFeign + LoadBalancer + Resilience4j client of the peer benchmark.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer.feign.client;

import org.jspecify.annotations.NullMarked;
