/**
 * Property tests that feed the server mutated and random requests and headers.
 */
@NullMarked
package dev.resilientrpc.fuzz;

import org.jspecify.annotations.NullMarked;
