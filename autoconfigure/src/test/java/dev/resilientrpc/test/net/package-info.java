/**
 * Network faults for tests: a TCP proxy that delays, black-holes, resets or loses
 * replies.
 */
@NullMarked
package dev.resilientrpc.test.net;

import org.jspecify.annotations.NullMarked;
