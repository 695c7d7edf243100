package dev.resilientrpc.sample.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A direct connection to Redis, beside the proxy, that reads what the node left there: a
 * minimal RESP client whose commands are sent in batches and answered in order.
 */
final class RedisProbe implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	RedisProbe(String host, int port) {
		try {
			this.socket = new Socket(host, port);
			this.socket.setSoTimeout(30_000);
			this.socket.setTcpNoDelay(true);
			this.in = new BufferedInputStream(this.socket.getInputStream(), 64 * 1024);
			this.out = new BufferedOutputStream(this.socket.getOutputStream(), 64 * 1024);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot connect to Redis at " + host + ":" + port, ex);
		}
	}

	/**
	 * Run one command.
	 * @param command the command and its arguments
	 * @return the reply: a string, a long, a list of replies, or {@code null}
	 */
	@Nullable Object call(String... command) {
		return pipeline(List.of(List.of(command))).get(0);
	}

	/**
	 * Send commands together, then read their replies.
	 * @param commands the commands
	 * @return the replies, in order
	 */
	List<@Nullable Object> pipeline(List<List<String>> commands) {
		try {
			for (List<String> command : commands) {
				write(command);
			}
			this.out.flush();
			List<@Nullable Object> replies = new ArrayList<>(commands.size());
			for (int i = 0; i < commands.size(); i++) {
				replies.add(read());
			}
			return replies;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis probe failed", ex);
		}
	}

	/**
	 * Return the fields of an {@code INFO} section.
	 * @param section the section
	 * @return its fields by name
	 */
	Map<String, String> info(String section) {
		Map<String, String> fields = new TreeMap<>();
		for (String line : String.valueOf(call("INFO", section)).split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1));
			}
		}
		return fields;
	}

	/**
	 * Return how often Redis ran each command so far ({@code INFO commandstats}).
	 * @return calls by command name
	 */
	Map<String, Long> commandCalls() {
		Map<String, Long> calls = new TreeMap<>();
		info("commandstats").forEach((name, stats) -> {
			String command = name.substring("cmdstat_".length());
			for (String field : stats.split(",")) {
				if (field.startsWith("calls=")) {
					calls.put(command, Long.parseLong(field.substring("calls=".length())));
				}
			}
		});
		return calls;
	}

	/**
	 * Return every key (by {@code SCAN}).
	 * @return the keys
	 */
	List<String> keys() {
		List<String> keys = new ArrayList<>();
		String cursor = "0";
		do {
			List<?> reply = (List<?>) call("SCAN", cursor, "COUNT", "1000");
			if (reply == null) {
				break;
			}
			cursor = String.valueOf(reply.get(0));
			for (Object key : (List<?>) reply.get(1)) {
				keys.add(String.valueOf(key));
			}
		}
		while (!cursor.equals("0"));
		return keys;
	}

	private void write(List<String> command) throws IOException {
		this.out.write(('*' + Integer.toString(command.size()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String argument : command) {
			byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
			this.out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			this.out.write(bytes);
			this.out.write('\r');
			this.out.write('\n');
		}
	}

	private @Nullable Object read() throws IOException {
		int type = this.in.read();
		String line = line();
		return switch (type) {
			case '+' -> line;
			case '-' -> "ERR " + line;
			case ':' -> Long.parseLong(line);
			case '$' -> bulk(Integer.parseInt(line));
			case '*' -> {
				int size = Integer.parseInt(line);
				if (size < 0) {
					yield null;
				}
				List<@Nullable Object> elements = new ArrayList<>(size);
				for (int i = 0; i < size; i++) {
					elements.add(read());
				}
				yield elements;
			}
			default -> throw new IOException("Unexpected RESP type '" + (char) type + "' in " + line);
		};
	}

	private @Nullable String bulk(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] bytes = this.in.readNBytes(length + 2);
		return new String(bytes, 0, length, StandardCharsets.UTF_8);
	}

	private String line() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != '\r') {
			if (b < 0) {
				throw new IOException("Redis closed the connection");
			}
			line.write(b);
		}
		this.in.read();
		return line.toString(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

}
