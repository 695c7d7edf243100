/**
 * Client-side load balancing: a consistent-hash ring per service with failover to the
 * next instance clockwise, optional bounded loads and an optional active health check.
 */
@NullMarked
package dev.resilientrpc.loadbalancer;

import org.jspecify.annotations.NullMarked;
