/**
 * Instances of remote services from Spring Cloud's {@code DiscoveryClient}.
 */
@NullMarked
package dev.resilientrpc.loadbalancer.discovery;

import org.jspecify.annotations.NullMarked;
