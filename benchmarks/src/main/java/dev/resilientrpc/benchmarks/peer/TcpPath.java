package dev.resilientrpc.benchmarks.peer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jspecify.annotations.Nullable;

/**
 * The physical floor: the same key and value bytes in a minimal length-prefixed frame,
 * one blocking round trip on a pooled loopback TCP connection (Nagle off) to the first of
 * three socket servers, each with a thread per connection. No HTTP, no JSON, no balancer,
 * no resilience.
 *
 * <p>
 * Request: op byte ({@code P} or {@code G}), key length, key, and for a put value length
 * and value (UTF-8, lengths as 4-byte ints). Answer: value length ({@code -1} for none)
 * and value; {@code 0} for a put.
 */
public final class TcpPath implements KvPath {

	private final List<SocketServer> servers = new ArrayList<>();

	private final Queue<Connection> idle = new ConcurrentLinkedQueue<>();

	public TcpPath() {
		KvStore store = new KvStore();
		try {
			for (int i = 0; i < 3; i++) {
				this.servers.add(new SocketServer(store));
			}
		}
		catch (IOException ex) {
			this.servers.forEach(SocketServer::close);
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void put(String key, String value) {
		call('P', key, value);
	}

	@Override
	public @Nullable String get(String key) {
		return call('G', key, null);
	}

	private @Nullable String call(char op, String key, @Nullable String value) {
		Connection connection = this.idle.poll();
		try {
			if (connection == null) {
				connection = new Connection(this.servers.get(0).port());
			}
			@Nullable String answer = connection.call(op, key, value);
			this.idle.offer(connection);
			return answer;
		}
		catch (IOException ex) {
			if (connection != null) {
				connection.close();
			}
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public boolean survivesKill() {
		return false;
	}

	@Override
	public void killOne() {
		throw new UnsupportedOperationException("The floor calls one instance");
	}

	@Override
	public void close() {
		for (Connection connection = this.idle.poll(); connection != null; connection = this.idle.poll()) {
			connection.close();
		}
		this.servers.forEach(SocketServer::close);
	}

	private static void write(DataOutputStream out, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static @Nullable String read(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0) {
			return null;
		}
		byte[] bytes = new byte[length];
		in.readFully(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * A client connection.
	 */
	private static final class Connection {

		private final Socket socket;

		private final DataInputStream in;

		private final DataOutputStream out;

		Connection(int port) throws IOException {
			this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
			this.socket.setTcpNoDelay(true);
			this.in = new DataInputStream(new BufferedInputStream(this.socket.getInputStream(), 16 * 1024));
			this.out = new DataOutputStream(new BufferedOutputStream(this.socket.getOutputStream(), 16 * 1024));
		}

		@Nullable String call(char op, String key, @Nullable String value) throws IOException {
			this.out.writeByte(op);
			write(this.out, key);
			if (value != null) {
				write(this.out, value);
			}
			this.out.flush();
			return read(this.in);
		}

		void close() {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

	/**
	 * A socket server with a thread per connection.
	 */
	private static final class SocketServer {

		private final ServerSocket serverSocket;

		private final KvStore store;

		private final Queue<Socket> connections = new ConcurrentLinkedQueue<>();

		SocketServer(KvStore store) throws IOException {
			this.store = store;
			this.serverSocket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::accept, "tcp-kv-accept-" + port());
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.serverSocket.getLocalPort();
		}

		private void accept() {
			while (!this.serverSocket.isClosed()) {
				try {
					Socket socket = this.serverSocket.accept();
					socket.setTcpNoDelay(true);
					this.connections.add(socket);
					Thread handler = new Thread(() -> serve(socket), "tcp-kv-" + port());
					handler.setDaemon(true);
					handler.start();
				}
				catch (IOException ex) {
					// closed
				}
			}
		}

		private void serve(Socket socket) {
			try (socket) {
				DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
				DataOutputStream out = new DataOutputStream(
						new BufferedOutputStream(socket.getOutputStream(), 16 * 1024));
				while (true) {
					int op = in.read();
					if (op < 0) {
						return;
					}
					String key = requireKey(read(in));
					if (op == 'P') {
						this.store.put(key, requireKey(read(in)));
						out.writeInt(0);
					}
					else {
						String value = this.store.get(key);
						if (value == null) {
							out.writeInt(-1);
						}
						else {
							write(out, value);
						}
					}
					out.flush();
				}
			}
			catch (EOFException | SocketException ex) {
				// the client went away or the server was closed
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				this.connections.remove(socket);
			}
		}

		private static String requireKey(@Nullable String text) throws IOException {
			if (text == null) {
				throw new IOException("Missing field");
			}
			return text;
		}

		void close() {
			try {
				this.serverSocket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
			for (Socket socket : this.connections) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// closing anyway
				}
			}
		}

	}

}
