/**
 * The demo: a Redis, three kv nodes as processes, a workload, a crash and a report.
 */
@NullMarked
package dev.resilientrpc.sample.demo;

import org.jspecify.annotations.NullMarked;
