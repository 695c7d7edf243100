package dev.resilientrpc.diagnostics;

/**
 * A mistake in how an application sets resilient-rpc up (an annotation, an exported
 * interface, a policy name) found at startup. It says what is wrong and, apart, what to
 * change, so that Boot's failure analysis prints both instead of a stack trace.
 */
public class RpcConfigurationException extends IllegalStateException {

	private final String action;

	/**
	 * Create a new instance.
	 * @param description what is wrong, naming the type, method or property
	 * @param action what to change
	 */
	public RpcConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	/**
	 * Create a new instance.
	 * @param description what is wrong, naming the type, method or property
	 * @param action what to change
	 * @param cause what was found wrong
	 */
	public RpcConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	/**
	 * Return what to change.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
