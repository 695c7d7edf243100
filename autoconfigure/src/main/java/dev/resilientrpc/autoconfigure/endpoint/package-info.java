/**
 * The {@code resilientrpc} Actuator endpoint, to which each capability's
 * auto-configuration contributes its part.
 */
@NullMarked
package dev.resilientrpc.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
