package io.switchboard.systemtest.netns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards TCP connections from an address on the bed's bridge to a server that listens on the
 * root namespace's loopback (the machine's PostgreSQL), which the namespaces cannot reach. Two
 * threads per connection, one per direction: the bed has a handful of connections.
 */
final class TcpForwarder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TcpForwarder.class);

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  TcpForwarder(InetSocketAddress listen, InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(listen);
    Thread acceptor = new Thread(this::accept, "forward-" + listen);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        open.add(in);
        Socket out = new Socket();
        open.add(out);
        try {
          out.connect(target, 5000);
        } catch (IOException e) {
          closeQuietly(in);
          closeQuietly(out);
          throw e;
        }
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.atWarn().addKeyValue("target", target).setCause(e).log("forwarding a connection failed");
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException closed) {
        // either side went away: close both
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "forward-" + from.getPort());
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(TcpForwarder::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
