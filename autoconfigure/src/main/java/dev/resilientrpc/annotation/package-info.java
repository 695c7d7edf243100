/**
 * Annotations that mark RPC clients and exported services.
 */
@NullMarked
package dev.resilientrpc.annotation;

import org.jspecify.annotations.NullMarked;
