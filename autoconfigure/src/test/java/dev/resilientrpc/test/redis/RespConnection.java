package dev.resilientrpc.test.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking RESP client used to probe and shut down {@code redis-server}
 * processes without depending on a Redis client library.
 * <p>
 * {@link #command(String...)} returns simple strings, errors and integers with their type
 * prefix ({@code +PONG}, {@code -ERR ...}, {@code :1}) and bulk strings as their content
 * ({@code $-1} for nil). Arrays are not supported.
 */
final class RespConnection implements Closeable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RespConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	static RespConnection open(String host, int port, int timeoutMillis) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host, port), timeoutMillis);
			socket.setSoTimeout(timeoutMillis);
			socket.setTcpNoDelay(true);
			return new RespConnection(socket);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Send a command and read its reply.
	 * @param arguments the command and its arguments
	 * @return the reply
	 * @throws EOFException if the server closed the connection
	 * @throws IOException on other I/O failures
	 */
	String command(String... arguments) throws IOException {
		send(arguments);
		return readReply();
	}

	void send(String... arguments) throws IOException {
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		write(request, "*" + arguments.length + "\r\n");
		for (String argument : arguments) {
			byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
			write(request, "$" + bytes.length + "\r\n");
			request.write(bytes);
			write(request, "\r\n");
		}
		this.out.write(request.toByteArray());
		this.out.flush();
	}

	String readReply() throws IOException {
		String line = readLine();
		if (!line.startsWith("$")) {
			return line;
		}
		int length = Integer.parseInt(line.substring(1));
		if (length < 0) {
			return line;
		}
		byte[] content = this.in.readNBytes(length + 2);
		if (content.length != length + 2) {
			throw new EOFException("Connection closed while reading a bulk reply");
		}
		return new String(content, 0, length, StandardCharsets.UTF_8);
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int current = this.in.read();
			if (current == -1) {
				throw new EOFException("Connection closed by the server");
			}
			if (previous == '\r' && current == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(current);
			previous = current;
		}
	}

	private static void write(ByteArrayOutputStream out, String text) {
		out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
