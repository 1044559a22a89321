package io.switchboard.bench.security;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that does what a well-behaved library will not: offers
 * extensions and then sends frames with RSV bits set, sends oversized or invalid UTF-8 frames,
 * or stops half-way through its HTTP upgrade. For edge tests and the fuzz benchmark.
 */
public final class RawWebSocket implements AutoCloseable {

  /** A received frame. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame. */
    public int closeCode() {
      return payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : 1005;
    }
  }

  public final int status;
  public final Map<String, String> headers;
  public final String body;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket, int status, Map<String, String> headers, String body) throws IOException {
    this.socket = socket;
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Sends an upgrade request with {@code extra} headers and reads the response head (and a short body). */
  public static RawWebSocket connect(int port, String path, Map<String, String> extra) throws IOException {
    return connect(port, path, extra, "127.0.0.1");
  }

  /** As {@link #connect(int, String, Map)}, from the loopback address {@code from} (its own per-address budget). */
  public static RawWebSocket connect(int port, String path, Map<String, String> extra, String from) throws IOException {
    Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0);
    s.setSoTimeout(10_000);
    StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n");
    extra.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    String body = "";
    if (headers.containsKey("content-length")) {
      body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
    }
    return new RawWebSocket(s, status, headers, body);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed during the HTTP response: " + b);
      }
      b.write(c);
      byte[] a = b.toByteArray();
      int n = a.length;
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        return b.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  public void sendText(String text) throws IOException {
    sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one masked frame; {@code firstByte} holds FIN, RSV1-3 and the opcode. */
  public void sendFrame(int firstByte, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(firstByte);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      f.write(0x80 | 126);
      f.write(payload.length >> 8);
      f.write(payload.length & 0xff);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) payload.length >> (8 * i)) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.write(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    f.write(masked);
    out.write(f.toByteArray());
    out.flush();
  }

  /** The next frame, or null if the connection ended (EOF or reset) or nothing came in {@code timeout}. */
  public Frame read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      int b0 = in.read();
      if (b0 < 0) {
        return null;
      }
      int b1 = in.read();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = (in.read() << 8) | in.read();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | in.read();
        }
      }
      return new Frame(b0 & 0x0f, in.readNBytes((int) len));
    } catch (SocketTimeoutException | SocketException e) {
      return null;
    }
  }

  /** Reads until a close frame and returns its code; -1 if the connection ended without one (1006). */
  public int awaitClose(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Frame f = read(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
      if (f == null) {
        return -1;
      }
      if (f.opcode() == 8) {
        return f.closeCode();
      }
    }
    throw new IOException("no close within " + timeout);
  }

  /** Reads text frames until one contains {@code needle}. */
  public String awaitText(String needle, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Frame f = read(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
      if (f == null) {
        break;
      }
      if (f.opcode() == 1 && f.text().contains(needle)) {
        return f.text();
      }
    }
    throw new IOException("no text frame with " + needle + " within " + timeout);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
