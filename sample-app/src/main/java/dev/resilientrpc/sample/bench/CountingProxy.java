package dev.resilientrpc.sample.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of Redis that counts what goes through it, a thread
 * pair per connection. A burst is one {@code read()} that returned bytes on the way from
 * the client to Redis: a client that waits for each answer before it sends again makes
 * one burst per round trip, and commands pipelined together arrive as one.
 */
final class CountingProxy implements AutoCloseable {

	private final ServerSocket server;

	private final String targetHost;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicLong bursts = new AtomicLong();

	private final AtomicLong bytesSent = new AtomicLong();

	private final AtomicLong bytesReceived = new AtomicLong();

	private final AtomicLong connections = new AtomicLong();

	CountingProxy(String targetHost, int targetPort) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the counting proxy", ex);
		}
		Thread acceptor = new Thread(this::accept, "redis-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	Counts counts() {
		return new Counts(this.bursts.get(), this.bytesSent.get(), this.bytesReceived.get(), this.connections.get());
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket redis = new Socket(this.targetHost, this.targetPort);
				client.setTcpNoDelay(true);
				redis.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(redis);
				this.connections.incrementAndGet();
				pump(client, redis, true);
				pump(redis, client, false);
			}
			catch (IOException ex) {
				// closed, or Redis refused: the client sees its connection fail
			}
		}
	}

	private void pump(Socket from, Socket to, boolean toRedis) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) > 0) {
					if (toRedis) {
						this.bursts.incrementAndGet();
						this.bytesSent.addAndGet(read);
					}
					else {
						this.bytesReceived.addAndGet(read);
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side went away
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, toRedis ? "redis-proxy-up" : "redis-proxy-down");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
		this.sockets.forEach(CountingProxy::closeQuietly);
	}

	/**
	 * What went through the proxy so far.
	 *
	 * @param bursts reads on the way to Redis
	 * @param bytesSent bytes to Redis
	 * @param bytesReceived bytes from Redis
	 * @param connections connections opened
	 */
	record Counts(long bursts, long bytesSent, long bytesReceived, long connections) {

		Counts minus(Counts earlier) {
			return new Counts(this.bursts - earlier.bursts, this.bytesSent - earlier.bytesSent,
					this.bytesReceived - earlier.bytesReceived, this.connections - earlier.connections);
		}

	}

}
