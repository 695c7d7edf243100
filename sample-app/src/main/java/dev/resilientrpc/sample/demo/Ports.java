package dev.resilientrpc.sample.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Free loopback ports for processes that bind them later: a node JVM takes seconds to
 * bind the port it was given. A port the kernel hands out for {@code bind(0)} comes from
 * the ephemeral range, from which every outgoing connection meanwhile (to Redis, between
 * nodes) also takes its local port, so such a port can be taken before the node binds it
 * ("Port ... was already in use", one chaos run in five here). Where the ephemeral range
 * is known (Linux), ports are therefore drawn at random below it, which no outgoing
 * connection uses, and never twice in one JVM; elsewhere the kernel picks one.
 */
public final class Ports {

	private static final int LOWEST = 10_000;

	private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

	private static final @Nullable Integer EPHEMERAL_START = ephemeralStart();

	private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

	private Ports() {
	}

	/**
	 * Return a port that was free on the loopback interface a moment ago, and that no
	 * outgoing connection will take meanwhile where that can be avoided.
	 * @return the port
	 */
	public static int free() {
		Integer ephemeralStart = EPHEMERAL_START;
		if (ephemeralStart != null && ephemeralStart - LOWEST > 1000) {
			for (int attempt = 0; attempt < 200; attempt++) {
				int candidate = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
				if (handedOut.add(candidate) && isFree(candidate)) {
					return candidate;
				}
			}
		}
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static @Nullable Integer ephemeralStart() {
		try {
			// not readString: a /proc file reports no size, and readString then reads
			// what that size hint gives
			String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
			return Integer.valueOf(range[0]);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
