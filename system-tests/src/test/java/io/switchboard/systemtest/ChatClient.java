package io.switchboard.systemtest;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A protocol-level chat client for tests: speaks docs/protocol.md over a real WebSocket, records
 * every frame it receives, and offers blocking waits for the test thread. Retries temporary send
 * errors with the same {@code clientMsgId}, as the SDK does.
 */
final class ChatClient implements AutoCloseable {

  private static final AtomicInteger REFS = new AtomicInteger();

  private final WebSocketClient client;
  private final WebSocket ws;
  private final List<JsonObject> frames = new ArrayList<>();
  private volatile Short closeCode;

  private ChatClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> {
      synchronized (frames) {
        frames.add(new JsonObject(text));
        frames.notifyAll();
      }
    });
    ws.closeHandler(v -> {
      closeCode = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode();
      synchronized (frames) {
        frames.notifyAll();
      }
    });
  }

  /** Opens a WebSocket to {@code url} without saying hello. */
  static ChatClient open(Vertx vertx, String url) throws Exception {
    URI uri = URI.create(url);
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
        .setURI(uri.getPath())).await();
    return new ChatClient(client, ws);
  }

  /** Opens a WebSocket and says hello as {@code user}. */
  static ChatClient connect(Vertx vertx, String url, String user) throws Exception {
    return connectWithToken(vertx, url, "dev:" + user);
  }

  /** Opens a WebSocket and says hello with {@code token}; fails unless welcomed. */
  static ChatClient connectWithToken(Vertx vertx, String url, String token) throws Exception {
    ChatClient c = open(vertx, url);
    JsonObject welcome = c.request(new JsonObject().put("type", "hello").put("token", token));
    if (!"welcome".equals(welcome.getString("type"))) {
      throw new IllegalStateException("hello failed: " + welcome);
    }
    return c;
  }

  /** The close code, once the server closed the socket (null while open). */
  Short closeCode() {
    return closeCode;
  }

  /** Waits until the socket is closed and returns its close code (-1 without one). */
  short awaitClose(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (closeCode == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("still open after " + timeout);
        }
        frames.wait(Math.max(1, left / 1_000_000));
      }
    }
    return closeCode;
  }

  void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  /** Sends a frame with a fresh {@code ref} and waits for the reply carrying it. */
  JsonObject request(JsonObject frame) throws Exception {
    String ref = "r" + REFS.incrementAndGet();
    send(frame.copy().put("ref", ref));
    return await(f -> ref.equals(f.getString("ref")), Duration.ofSeconds(15));
  }

  JsonObject join(String room) throws Exception {
    return expect(request(new JsonObject().put("type", "join").put("room", room)), "joined");
  }

  JsonObject joinSince(String room, long seq, String epoch) throws Exception {
    return expect(request(new JsonObject().put("type", "join").put("room", room)
        .put("since", new JsonObject().put("seq", seq).put("epoch", epoch))), "joined");
  }

  /**
   * Sends every message (pipelined) and waits until each is acknowledged, resending those that
   * fail with a temporary error under the same {@code clientMsgId}.
   *
   * @return clientMsgId to acknowledged seq
   */
  Map<String, Long> sendAll(String room, List<String> clientMsgIds, Duration timeout) throws Exception {
    Map<String, Long> acked = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    clientMsgIds.forEach(id -> send(sendFrame(room, id)));
    long deadline = System.nanoTime() + timeout.toNanos();
    int cursor = 0;
    while (acked.size() < clientMsgIds.size()) {
      List<JsonObject> snapshot;
      synchronized (frames) {
        while (frames.size() <= cursor && closeCode == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new TimeoutException(acked.size() + "/" + clientMsgIds.size() + " acked");
          }
          frames.wait(Math.max(1, left / 1_000_000));
        }
        if (closeCode != null && frames.size() <= cursor) {
          throw new IllegalStateException("socket closed with " + closeCode);
        }
        snapshot = new ArrayList<>(frames.subList(cursor, frames.size()));
        cursor = frames.size();
      }
      for (JsonObject f : snapshot) {
        String id = f.getString("clientMsgId");
        if (id == null || !room.equals(f.getString("room", room))) {
          continue;
        }
        if ("ack".equals(f.getString("type")) && clientMsgIds.contains(id)) {
          Long previous = acked.put(id, f.getLong("seq"));
          if (previous != null && !previous.equals(f.getLong("seq"))) {
            throw new AssertionError("two different seqs acked for " + id + ": " + previous + ", " + f.getLong("seq"));
          }
        } else if ("error".equals(f.getString("type")) && clientMsgIds.contains(id)) {
          if (!f.getBoolean("temporary", false)) {
            throw new AssertionError("permanent error for " + id + ": " + f);
          }
          seen.merge(id, 1, Integer::sum);
          Thread.sleep(Math.min(1000, 50L << Math.min(4, seen.get(id))));
          send(sendFrame(room, id));
        }
      }
    }
    return acked;
  }

  private JsonObject sendFrame(String room, String id) {
    return new JsonObject().put("type", "send").put("room", room).put("clientMsgId", id)
        .put("body", new JsonObject().put("text", "message " + id));
  }

  /** Waits until {@code count} {@code message} frames of the room have arrived; returns them all in arrival order. */
  List<JsonObject> awaitMessages(String room, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        List<JsonObject> got = messages(room);
        if (got.size() >= count) {
          return got;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closeCode != null) {
          throw new TimeoutException("got " + got.size() + " of " + count + " messages in " + room
              + (closeCode != null ? ", closed " + closeCode : ""));
        }
        frames.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** Every {@code message} frame of the room received so far, in arrival order. */
  List<JsonObject> messages(String room) {
    synchronized (frames) {
      return frames.stream().filter(f -> "message".equals(f.getString("type")) && room.equals(f.getString("room")))
          .toList();
    }
  }

  /** Every frame received so far. */
  List<JsonObject> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  /** Waits for the first frame (already received or future) matching {@code match}. */
  JsonObject await(Predicate<JsonObject> match, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (frames) {
      while (true) {
        for (JsonObject f : frames) {
          if (match.test(f)) {
            return f;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closeCode != null) {
          throw new TimeoutException("no matching frame" + (closeCode != null ? ", closed " + closeCode : "")
              + "; got " + frames.subList(Math.max(0, frames.size() - 5), frames.size()));
        }
        frames.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  boolean isOpen() {
    return closeCode == null;
  }

  private static JsonObject expect(JsonObject frame, String type) {
    if (!type.equals(frame.getString("type"))) {
      throw new AssertionError("expected " + type + " but got " + frame);
    }
    return frame;
  }

  @Override
  public void close() {
    try {
      ws.close().await();
    } catch (Exception ignored) {
      // already closed
    }
    client.close();
  }
}
