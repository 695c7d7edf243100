package dev.resilientrpc.sample.demo;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Ports}.
 */
class PortsTests {

	@Test
	void portsHandedOutAtOnceByManyThreadsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
		Set<Integer> ports = ConcurrentHashMap.newKeySet();
		List<Integer> all = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			Thread thread = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				for (int i = 0; i < 50; i++) {
					int port = Ports.free();
					ports.add(port);
					all.add(port);
				}
			});
			thread.start();
			threads.add(thread);
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(all).hasSize(400);
		assertThat(ports).as("no port handed out twice").hasSize(400);
		Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
		if (Files.isReadable(range)) {
			int ephemeralStart = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
			assertThat(ports).allMatch((port) -> port < ephemeralStart);
		}
		for (int port : ports.stream().limit(20).toList()) {
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				assertThat(socket.getLocalPort()).isEqualTo(port);
			}
		}
	}

}
