package io.switchboard.systemtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A test client that follows the rules the JavaScript SDK (switchboard.js) implements: after its
 * connection drops it reconnects, to the next gateway of its list, after a random delay; says hello;
 * re-joins every room with {@code since: {seq, epoch}}; drops messages it already has by seq; and
 * resends every unacknowledged send with the same {@code clientMsgId}, also after a temporary error
 * (with full-jitter backoff). A permanent error fails the send.
 *
 * <p>It records what a user of the SDK would notice: close codes, refused upgrades, error frames,
 * failed sends, and per room the seqs delivered to the application, with any gap or repeat in them.
 * Everything runs on one event loop; the records can be read from any thread.
 */
final class SdkClient {

  /** An error frame, with the phase of the test it arrived in. */
  record ErrorFrame(String phase, JsonObject frame) {
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final List<String> urls;
  private final String user;
  private final long minReconnectMs;
  private final long maxReconnectMs;
  private final Supplier<String> phase;
  private int nextUrl;
  private WebSocket ws;
  private boolean open;
  private boolean stopped;
  private int joins;
  /** Joins waiting for their answer, by ref. */
  private final Map<String, String> joinRefs = new HashMap<>();
  private final Map<String, Room> rooms = new LinkedHashMap<>();
  private final Map<String, PendingSend> sends = new LinkedHashMap<>();

  final List<Short> closeCodes = new CopyOnWriteArrayList<>();
  /** Handshakes a gateway refused, by HTTP status. */
  final List<Integer> refusedUpgrades = new CopyOnWriteArrayList<>();
  /** Connections that could not be made at all (nothing listening), with the reason. */
  final List<String> failedConnects = new CopyOnWriteArrayList<>();
  final List<ErrorFrame> errors = new CopyOnWriteArrayList<>();
  final List<String> failedSends = new CopyOnWriteArrayList<>();
  /** Per room, the seqs delivered to the application, in order. */
  final Map<String, List<Long>> delivered = new ConcurrentHashMap<>();
  /** The send that took longest from {@link #send} to its ack, with what happened to it meanwhile. */
  volatile String slowest = "none";
  private long slowestMs;
  /** Deliveries whose seq was not the next one after the last delivered: a gap or a repeat. */
  final List<String> outOfOrder = new CopyOnWriteArrayList<>();

  /**
   * Starts connecting to {@code urls.get(first)} and joins {@code rooms} once welcomed.
   *
   * @param reconnectMs the reconnect delay range {min, max}: random between them, as the SDK's first retry
   * @param phase names the current phase of the test, for the error records
   */
  SdkClient(Vertx vertx, List<String> urls, int first, String user, List<String> rooms, long[] reconnectMs,
            Supplier<String> phase) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient();
    this.urls = List.copyOf(urls);
    this.nextUrl = first;
    this.user = user;
    this.minReconnectMs = reconnectMs[0];
    this.maxReconnectMs = reconnectMs[1];
    this.phase = phase;
    rooms.forEach(r -> {
      this.rooms.put(r, new Room());
      delivered.put(r, new CopyOnWriteArrayList<>());
    });
    context.runOnContext(v -> connect());
  }

  /** Sends to a joined room; completes with the seq once acknowledged, however many reconnects that takes. */
  Future<Long> send(String room, String clientMsgId) {
    Promise<Long> acked = Promise.promise();
    context.runOnContext(v -> {
      PendingSend s = new PendingSend(room, acked);
      sends.put(clientMsgId, s);
      transmit(clientMsgId, s);
    });
    return acked.future();
  }

  /** Closes for good. */
  Future<Void> close() {
    return Future.<Void>future(p -> context.runOnContext(v -> {
      stopped = true;
      WebSocket current = ws;
      ws = null;
      (current == null ? Future.<Void>succeededFuture() : current.close()).onComplete(ar -> p.complete());
    })).eventually(client::close);
  }

  private void connect() {
    if (stopped) {
      return;
    }
    URI uri = URI.create(urls.get(nextUrl));
    nextUrl = (nextUrl + 1) % urls.size();
    client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath()))
        .onSuccess(this::attach)
        .onFailure(e -> {
          if (e instanceof UpgradeRejectedException rejected) {
            refusedUpgrades.add(rejected.getStatus());
          } else {
            failedConnects.add(e.toString());
          }
          reconnectLater();
        });
  }

  private void attach(WebSocket socket) {
    if (stopped) {
      socket.close();
      return;
    }
    ws = socket;
    socket.textMessageHandler(text -> onFrame(new JsonObject(text)));
    socket.closeHandler(v -> {
      if (ws != socket) {
        return;
      }
      Short code = socket.closeStatusCode();
      closeCodes.add(code == null ? -1 : code);
      ws = null;
      open = false;
      joinRefs.clear();
      rooms.values().forEach(r -> r.joined = false);
      sends.values().forEach(s -> {
        s.inFlight = false;
        s.note("closed " + code);
      });
      reconnectLater();
    });
    write(new JsonObject().put("type", "hello").put("token", "dev:" + user));
  }

  private void reconnectLater() {
    if (!stopped) {
      vertx.setTimer(minReconnectMs + ThreadLocalRandom.current().nextLong(maxReconnectMs - minReconnectMs + 1),
          t -> connect());
    }
  }

  private void onFrame(JsonObject f) {
    switch (f.getString("type", "")) {
      case "welcome" -> {
        open = true;
        rooms.keySet().forEach(this::join);
      }
      case "joined" -> onJoined(f);
      case "message" -> onMessage(f);
      case "ack" -> {
        PendingSend s = sends.remove(f.getString("clientMsgId"));
        if (s != null) {
          s.note("ack " + f.getLong("seq"));
          long took = System.currentTimeMillis() - s.created;
          if (took > slowestMs) {
            slowestMs = took;
            slowest = f.getString("clientMsgId") + " took " + took + " ms: " + s.trace;
          }
          s.acked.complete(f.getLong("seq"));
        }
      }
      case "error" -> onError(f);
      default -> {
      }
    }
  }

  private void join(String room) {
    Room r = rooms.get(room);
    String ref = "join-" + ++joins;
    joinRefs.put(ref, room);
    JsonObject frame = new JsonObject().put("type", "join").put("room", room).put("ref", ref);
    if (r.seq != null) {
      frame.put("since", new JsonObject().put("seq", r.seq).put("epoch", r.epoch));
    }
    write(frame);
  }

  private void onJoined(JsonObject f) {
    joinRefs.remove(f.getString("ref"));
    Room r = rooms.get(f.getString("room"));
    r.joined = true;
    if (!f.getBoolean("recovering", false)) {
      r.seq = f.getLong("seq");
    }
    r.epoch = f.getString("epoch");
    sends.values().stream().filter(p -> p.room.equals(f.getString("room"))).forEach(p -> p.note("joined"));
    new ArrayList<>(sends.entrySet()).forEach(e -> transmit(e.getKey(), e.getValue()));
  }

  private void onMessage(JsonObject m) {
    String room = m.getString("room");
    Room r = rooms.get(room);
    long seq = m.getLong("seq");
    if (r == null || (r.seq != null && seq <= r.seq)) {
      return; // a duplicate, dropped as the SDK does
    }
    if (r.seq != null && seq != r.seq + 1) {
      outOfOrder.add(room + ": " + seq + " after " + r.seq);
    }
    r.seq = seq;
    delivered.get(room).add(seq);
  }

  private void onError(JsonObject f) {
    errors.add(new ErrorFrame(phase.get(), f));
    String clientMsgId = f.getString("clientMsgId");
    PendingSend s = clientMsgId == null ? null : sends.get(clientMsgId);
    if (s != null) {
      s.note(f.getString("code"));
      s.inFlight = false;
      if (f.getBoolean("temporary", false)) {
        // Full jitter, at least 1 ms: a Vert.x timer refuses a delay of 0.
        long backoff = 1 + ThreadLocalRandom.current().nextLong(Math.min(2000, 50L << Math.min(6, s.tries)));
        vertx.setTimer(backoff, t -> transmit(clientMsgId, s));
      } else {
        sends.remove(clientMsgId);
        failedSends.add(clientMsgId + ": " + f.encode());
        s.acked.fail(f.getString("code"));
      }
      return;
    }
    // A join refused for now, or a room the gateway dropped (history unavailable during recovery):
    // join again, with the same since.
    String room = f.containsKey("room") ? f.getString("room") : joinRefs.remove(f.getString("ref", ""));
    if (room != null && rooms.containsKey(room) && f.getBoolean("temporary", false)) {
      rooms.get(room).joined = false;
      sends.values().stream().filter(p -> p.room.equals(room)).forEach(p -> p.note("room " + f.getString("code")));
      WebSocket current = ws;
      vertx.setTimer(ThreadLocalRandom.current().nextLong(50, 500), t -> {
        if (open && ws == current && !rooms.get(room).joined) {
          join(room);
        }
      });
    }
  }

  private void transmit(String clientMsgId, PendingSend s) {
    if (s.inFlight || !open || !rooms.get(s.room).joined || sends.get(clientMsgId) != s) {
      return;
    }
    s.inFlight = true;
    s.tries++;
    s.note("sent");
    write(new JsonObject().put("type", "send").put("room", s.room).put("clientMsgId", clientMsgId)
        .put("body", new JsonObject().put("text", user + " " + clientMsgId)));
  }

  private void write(JsonObject frame) {
    if (ws != null && !ws.isClosed()) {
      ws.writeTextMessage(frame.encode());
    }
  }

  /** What the client knows of a room: the last seq delivered and its epoch. */
  private static final class Room {
    Long seq;
    String epoch;
    boolean joined;
  }

  private static final class PendingSend {
    final String room;
    final Promise<Long> acked;
    final long created = System.currentTimeMillis();
    final List<String> trace = new ArrayList<>();
    boolean inFlight;
    int tries;

    PendingSend(String room, Promise<Long> acked) {
      this.room = room;
      this.acked = acked;
    }

    /** Records what happened to the send, when, for {@link #slowest}. */
    void note(String event) {
      if (trace.size() < 20) {
        trace.add((System.currentTimeMillis() - created) + " ms " + event);
      }
    }
  }
}
