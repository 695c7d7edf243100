/**
 * The Spring Cloud OpenFeign path of the peer benchmark, and the plain RestClient floor.
 */
@NullMarked
package dev.resilientrpc.benchmarks.peer.feign;

import org.jspecify.annotations.NullMarked;
