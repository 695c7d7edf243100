package dev.resilientrpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of an exported service interface as one that changes checkpointed state.
 * Every call to it is appended to the command log of its checkpoint before its response
 * is sent, and replayed on startup after the latest checkpoint is restored, so that no
 * acknowledged change is lost when the process dies between two checkpoints.
 *
 * <p>
 * Put it on the method of the interface that {@link RpcService @RpcService} exports. The
 * method must be deterministic given the state and its params: on recovery it runs again
 * with the logged params.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Mutating {

	/**
	 * Name of the checkpoint whose state the method changes; empty for the name of the
	 * service. A bean implementing {@code dev.resilientrpc.checkpoint.Checkpointable}
	 * must have that name.
	 * @return the checkpoint name, or empty for the service name
	 */
	String checkpoint() default "";

}
