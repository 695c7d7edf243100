package dev.resilientrpc.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * Ports for tests.
 */
public final class TestPorts {

	private TestPorts() {
	}

	/**
	 * Return a loopback port that nothing listens on (at the time of the call).
	 * @return the port
	 */
	public static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the port a web application listens on.
	 * @param context the context
	 * @return the port
	 */
	public static int portOf(ApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
