/**
 * Auto-configuration of signed calls.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.security;

import org.jspecify.annotations.NullMarked;
