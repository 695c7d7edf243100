package dev.resilientrpc.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import dev.resilientrpc.sample.client.KvClient;
import dev.resilientrpc.sample.client.KvClientApplication;
import dev.resilientrpc.sample.node.KvNodeApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Entry point of the sample: {@code node} runs one kv node; {@code demo} (or no argument) runs
 * the demo.
 */
public final class SampleApplication {

	private SampleApplication() {
	}

	public static void main(String[] args) {
		String mode = (args.length > 0 && !args[0].startsWith("--")) ? args[0] : "demo";
		String[] rest = (args.length > 0 && !args[0].startsWith("--")) ? Arrays.copyOfRange(args, 1, args.length)
				: args;
		switch (mode) {
			case "node" -> new SpringApplicationBuilder(KvNodeApplication.class).profiles("node").run(rest);
			case "demo" -> demo(rest);
			default -> {
				System.err.println("Unknown mode '" + mode + "': use 'node' or 'demo'");
				System.exit(2);
			}
		}
	}

	private static void demo(String[] args) {
		int port = freePort();
		try (ConfigurableApplicationContext node = new SpringApplicationBuilder(KvNodeApplication.class)
			.profiles("node")
			.run(concat(args, "--server.port=" + port));
				ConfigurableApplicationContext client = new SpringApplicationBuilder(KvClientApplication.class)
					.web(WebApplicationType.NONE)
					.profiles("client")
					.run(concat(args, "--resilient-rpc.client.services.kv.instances=http://127.0.0.1:" + port))) {
			KvClient kv = client.getBean(KvClient.class);
			System.out.println();
			System.out.println("kv node on http://127.0.0.1:" + port + "/rpc, calls made through a KvClient proxy:");
			System.out.println("  kv.put(\"greeting\", \"hello\") -> " + kv.put("greeting", "hello"));
			System.out.println("  kv.get(\"greeting\")          -> " + kv.get("greeting"));
			System.out.println("  kv.put(\"greeting\", \"hi\")    -> " + kv.put("greeting", "hi"));
			System.out.println("  kv.delete(\"greeting\")       -> " + kv.delete("greeting"));
			System.out.println("  kv.get(\"greeting\")          -> " + kv.get("greeting"));
			System.out.println();
		}
	}

	private static String[] concat(String[] args, String extra) {
		String[] result = Arrays.copyOf(args, args.length + 1);
		result[args.length] = extra;
		return result;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
