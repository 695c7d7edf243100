package dev.resilientrpc.test.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that injects network faults between a client and a server: the
 * faults a real network makes and our own tests would not choose.
 *
 * <ul>
 * <li>{@link Mode#PASS}: bytes flow both ways;</li>
 * <li>{@link Mode#BLACKHOLE}: connections stay open but nothing flows either way, new
 * ones are accepted and hang (a partition, as seen by TCP);</li>
 * <li>{@link Mode#LOSE_REPLIES}: requests reach the server, and the first reply of a
 * connection is dropped and the connection reset (the server acted, the client never
 * learns it: TCP never loses bytes inside a live connection, so a lost reply is a broken
 * one);</li>
 * <li>{@link Mode#RESET}: every connection is reset at once, new ones too.</li>
 * </ul>
 * A delay can be added to every chunk in both directions. The upstream can be switched,
 * for example to a promoted replica: existing connections are reset, new ones go to the
 * new upstream.
 */
public final class FaultProxy implements AutoCloseable {

	/**
	 * What the proxy does to the bytes.
	 */
	public enum Mode {

		/** Bytes flow both ways. */
		PASS,

		/** Nothing flows; connections stay open and new ones hang. */
		BLACKHOLE,

		/**
		 * Requests pass; the first reply of each connection is dropped and it is reset.
		 */
		LOSE_REPLIES,

		/** Every connection is reset, new ones too. */
		RESET

	}

	private final String name;

	private final ServerSocket listener;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicLong accepted = new AtomicLong();

	private volatile int upstreamPort;

	private volatile Mode mode = Mode.PASS;

	private volatile long delayMillis;

	private volatile boolean closed;

	/**
	 * Start a proxy on a free loopback port.
	 * @param name a name for thread names and logs
	 * @param upstreamPort the port of the server on 127.0.0.1
	 * @throws IOException if no port can be bound
	 */
	public FaultProxy(String name, int upstreamPort) throws IOException {
		this.name = name;
		this.upstreamPort = upstreamPort;
		this.listener = new ServerSocket();
		this.listener.setReuseAddress(true);
		this.listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
		Thread acceptor = new Thread(this::accept, "proxy-" + name + "-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Return the port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * Return what the proxy does now.
	 * @return the mode
	 */
	public Mode mode() {
		return this.mode;
	}

	/**
	 * Return how many connections the proxy accepted.
	 * @return the count
	 */
	public long acceptedConnections() {
		return this.accepted.get();
	}

	/**
	 * Change what the proxy does; {@link Mode#RESET} also resets every open connection.
	 * @param mode the mode
	 */
	public void mode(Mode mode) {
		this.mode = mode;
		if (mode == Mode.RESET) {
			resetAll();
		}
		else {
			synchronized (this) {
				notifyAll();
			}
		}
	}

	/**
	 * Delay every chunk in both directions.
	 * @param millis the delay, 0 for none
	 */
	public void delay(long millis) {
		this.delayMillis = millis;
	}

	/**
	 * Send new connections to another upstream and reset the open ones.
	 * @param port the new upstream port on 127.0.0.1
	 */
	public void switchUpstream(int port) {
		this.upstreamPort = port;
		resetAll();
	}

	/**
	 * Reset every open connection, as a crashed peer or a middlebox would.
	 */
	public void resetAll() {
		for (Link link : this.links) {
			link.reset();
		}
	}

	private void accept() {
		while (!this.closed) {
			Socket downstream;
			try {
				downstream = this.listener.accept();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				continue;
			}
			this.accepted.incrementAndGet();
			if (this.mode == Mode.RESET) {
				reset(downstream);
				continue;
			}
			Link link = new Link(downstream);
			this.links.add(link);
			Thread starter = new Thread(link::open, "proxy-" + this.name + "-link");
			starter.setDaemon(true);
			starter.start();
		}
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
			socket.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	/**
	 * Wait while the mode stops this direction.
	 * @return whether to forward the chunk just read
	 * @throws SocketException if the chunk is a reply to lose: the link is reset instead
	 */
	private boolean admit(boolean reply) throws InterruptedException, SocketException {
		while (!this.closed) {
			Mode current = this.mode;
			if (current == Mode.BLACKHOLE) {
				synchronized (this) {
					if (this.mode == Mode.BLACKHOLE) {
						wait(100);
					}
				}
				continue;
			}
			if (reply && current == Mode.LOSE_REPLIES) {
				throw new SocketException("reply lost");
			}
			long delay = this.delayMillis;
			if (delay > 0) {
				Thread.sleep(delay);
			}
			return true;
		}
		return false;
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		resetAll();
		synchronized (this) {
			notifyAll();
		}
	}

	@Override
	public String toString() {
		return "FaultProxy " + this.name + " :" + port() + " -> :" + this.upstreamPort + " (" + this.mode + ")";
	}

	private final class Link {

		private final Socket downstream;

		private volatile Socket upstream;

		Link(Socket downstream) {
			this.downstream = downstream;
		}

		void open() {
			try {
				// a partitioned network does not answer the connect either
				while (FaultProxy.this.mode == Mode.BLACKHOLE && !FaultProxy.this.closed) {
					Thread.sleep(50);
				}
				Socket socket = new Socket();
				socket.setTcpNoDelay(true);
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), FaultProxy.this.upstreamPort),
						2000);
				this.upstream = socket;
				this.downstream.setTcpNoDelay(true);
			}
			catch (IOException ex) {
				// the server is down: the client sees a refused connection
				reset();
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				reset();
				return;
			}
			Thread replies = new Thread(() -> pump(this.upstream, this.downstream, true),
					"proxy-" + FaultProxy.this.name + "-down");
			replies.setDaemon(true);
			replies.start();
			pump(this.downstream, this.upstream, false);
		}

		private void pump(Socket from, Socket to, boolean reply) {
			byte[] buffer = new byte[16 * 1024];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				while (true) {
					int read = in.read(buffer);
					if (read < 0) {
						break;
					}
					if (admit(reply)) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				// half-close, as TCP does, unless a fault holds the link
				if (FaultProxy.this.mode == Mode.PASS) {
					to.shutdownOutput();
				}
			}
			catch (SocketException ex) {
				reset();
			}
			catch (IOException ex) {
				reset();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				reset();
			}
		}

		void reset() {
			FaultProxy.this.links.remove(this);
			FaultProxy.reset(this.downstream);
			Socket socket = this.upstream;
			if (socket != null) {
				FaultProxy.reset(socket);
			}
		}

	}

}
