package io.switchboard.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ObjLongConsumer;

/**
 * The load generator's connections: members of one or more rooms, over real WebSockets.
 * Publishers send open-loop at a constant rate; every message carries its intended send time, and
 * every delivery's latency is recorded against it (so a stall cannot hide latency). Delivery
 * frames are scanned, not parsed, to keep the generator's own cost low.
 *
 * <p>With {@link #reconnecting()}, a peer whose connection drops behaves like the SDK
 * ({@code switchboard.js}, docs/protocol.md "Client SDK"): it reconnects after a random 1 to 5 s,
 * then with capped exponential backoff and full jitter, to another gateway; after a {@code 503} it
 * waits at least the {@code Retry-After} the gateway gave; it rejoins every room with {@code since},
 * and counts as resumed once every room's {@code recovered} marker arrived with
 * {@code recovered: true}.
 *
 * <p>Peers marked {@linkplain Peer#survivor survivors} also record their deliveries'
 * latency into {@link #survivorMicros} and their arrival times into a {@link DeliveryTimeline}.
 */
final class Population {

  /** Sends outstanding per publisher beyond which further sends are skipped and counted as errors. */
  private static final int MAX_OUTSTANDING = 20_000;
  private static final int SLOW_CONSUMER_CLOSE = 4001;
  private static final long JOIN_TIMEOUT_SECONDS = 60;
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(2);
  /** The SDK's reconnect delays (option {@code reconnect}): random(minMs, min(maxMs, firstMaxMs x 2^attempt)). */
  static final long RECONNECT_MIN_MS = 1000;
  static final long RECONNECT_FIRST_MAX_MS = 5000;
  static final long RECONNECT_MAX_MS = 30_000;

  /** How often a first connection refused with a Retry-After is tried in all. */
  private static final int FIRST_CONNECT_TRIES = 20;
  private final Vertx vertx;
  private final WebSocketClient client;
  /** Every connection, once. */
  private final List<Peer> all = new ArrayList<>();
  /** Connections that receive and are checked for gaps. */
  private final List<Peer> members = new ArrayList<>();
  private final List<Peer> publishers = new ArrayList<>();
  private List<String> reconnectUrls = List.of();
  /** Told the room and wall-clock time of every ack. */
  private ObjLongConsumer<String> ackListener = (room, millis) -> { };
  private volatile boolean closing;
  private String pad = "";

  final Recorder latencyMicros = new Recorder(MAX_MICROS, 3);
  /** Connect, hello and every join acknowledged, per connection. */
  final Recorder connectMicros = new Recorder(MAX_MICROS, 3);
  /** From the drop to every room recovered, per reconnecting peer. */
  final Recorder resumeMicros = new Recorder(MAX_MICROS, 3);
  final LongAdder deliveries = new LongAdder();
  final LongAdder acks = new LongAdder();
  final LongAdder sends = new LongAdder();
  final LongAdder errors = new LongAdder();
  /** Error frames by code. */
  final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
  final LongAdder gaps = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder closes = new LongAdder();
  /** Connections the server closed with 4001 (slow consumer). */
  final LongAdder slowConsumerCloses = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder reconnectAttempts = new LongAdder();
  final LongAdder resumed = new LongAdder();
  /** Rooms whose recovery reported {@code recovered: false} (messages the client can never get). */
  final LongAdder unrecovered = new LongAdder();
  /** Reconnect attempts refused with HTTP 503 (admission control), and the Retry-After seconds they were told. */
  final LongAdder refused503 = new LongAdder();
  final LongAdder retryAfterSeconds = new LongAdder();
  /** Latency of the deliveries to survivors; the second recorder is sampled once a second. */
  final Recorder survivorMicros = new Recorder(MAX_MICROS, 3);
  final Recorder survivorSecondMicros = new Recorder(MAX_MICROS, 3);
  private long reconnectMinMs = RECONNECT_MIN_MS;
  private long reconnectFirstMaxMs = RECONNECT_FIRST_MAX_MS;
  /** Survivors whose connection dropped after all (they stop counting as survivors). */
  final LongAdder survivorsDropped = new LongAdder();
  private volatile DeliveryTimeline survivorTimeline;

  private long ticker = -1;

  /**
   * The room the generator uses for {@code name}: in the {@code public} namespace, which every
   * authenticated user may join and send to under the default room policies.
   */
  static String publicRoom(String name) {
    return name.indexOf(':') < 0 ? "public:" + name : name;
  }

  Population(Vertx vertx, WebSocketClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /** A connection: says hello, joins its rooms, then counts what it receives. */
  final class Peer {
    final String user;
    final String[] rooms;
    /** {@code "room":"<room>"}, to tell which room a scanned delivery belongs to. */
    private final String[] roomKeys;
    final long[] lastSeq;
    private final String[] epochs;
    final boolean slow;
    String url;
    WebSocket ws;
    /** Written by the ticker and the socket's event loop; only used to bound the backlog. */
    volatile long sent;
    volatile long acked;
    private int pendingJoins;
    private int pendingRecoveries;
    private Promise<Void> joined;
    /** When the connection dropped (nanoTime), or 0 while connected. */
    private long droppedAt;
    private int attempt;
    /** Whether this peer's deliveries count as a surviving client's (it has not dropped since it was marked). */
    volatile boolean survivor;

    Peer(String user, List<String> rooms, boolean slow) {
      this.user = user;
      this.rooms = rooms.stream().map(Population::publicRoom).toArray(String[]::new);
      this.roomKeys = Arrays.stream(this.rooms).map(r -> "\"room\":\"" + r + "\"").toArray(String[]::new);
      this.lastSeq = new long[this.rooms.length];
      this.epochs = new String[this.rooms.length];
      Arrays.fill(lastSeq, -1);
      this.slow = slow;
    }

    /** Connects, says hello and joins every room (with {@code since} once it has seen a room). */
    Future<Void> connect(String url) {
      this.url = url;
      this.ws = null;
      URI uri = URI.create(url);
      joined = Promise.promise();
      long t0 = System.nanoTime();
      return client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath()))
          .compose(socket -> {
            ws = socket;
            ws.textMessageHandler(this::onFrame);
            ws.closeHandler(v -> onClose());
            ws.writeTextMessage("{\"type\":\"hello\",\"token\":\"dev:" + user + "\"}");
            pendingJoins = rooms.length;
            pendingRecoveries = 0;
            for (int r = 0; r < rooms.length; r++) {
              String since = epochs[r] == null ? ""
                  : ",\"since\":{\"seq\":" + lastSeq[r] + ",\"epoch\":\"" + epochs[r] + "\"}";
              if (epochs[r] != null) {
                pendingRecoveries++;
              }
              ws.writeTextMessage("{\"type\":\"join\",\"ref\":\"join-" + r + "\",\"room\":\"" + rooms[r] + "\"" + since + "}");
            }
            return joined.future().timeout(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          })
          .onSuccess(v -> connectMicros.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - t0) / 1000)));
    }

    private int roomOf(String text) {
      for (int r = 0; r < roomKeys.length; r++) {
        if (roomKeys.length == 1 || text.contains(roomKeys[r])) {
          return r;
        }
      }
      return -1;
    }

    private int roomNamed(String room) {
      for (int r = 0; r < rooms.length; r++) {
        if (rooms[r].equals(room)) {
          return r;
        }
      }
      return -1;
    }

    private void onFrame(String text) {
      if (text.startsWith("{\"type\":\"message\"")) {
        long now = System.nanoTime();
        deliveries.increment();
        int r = roomOf(text);
        long seq = longAfter(text, "\"seq\":");
        if (r >= 0) {
          if (lastSeq[r] >= 0 && seq > lastSeq[r] + 1) {
            gaps.increment();
          }
          if (seq <= lastSeq[r]) {
            duplicates.increment();
          } else {
            lastSeq[r] = seq;
          }
        }
        long t = longAfter(text, "\"body\":{\"t\":");
        if (t > 0) {
          long micros = Math.max(0, Math.min(MAX_MICROS, (now - t) / 1000));
          latencyMicros.recordValue(micros);
          if (survivor) {
            survivorMicros.recordValue(micros);
            survivorSecondMicros.recordValue(micros);
          }
        }
        DeliveryTimeline timeline = survivorTimeline;
        if (survivor && timeline != null) {
          timeline.record(now);
        }
        return;
      }
      JsonObject f = new JsonObject(text);
      switch (f.getString("type", "")) {
        case "joined" -> onJoined(f);
        case "recovered" -> onRecovered(f);
        case "ack" -> {
          acked++;
          acks.increment();
          ackListener.accept(f.getString("room"), System.currentTimeMillis());
        }
        case "error" -> {
          errors.increment();
          errorCodes.computeIfAbsent(f.getString("code", "?"), c -> new LongAdder()).increment();
          if (f.getString("ref", "").startsWith("join-") || (f.getString("ref") == null && f.getString("room") != null)) {
            // a refused join, or a recovery that failed: either way this connection is not resumed
            joined.tryFail("join refused: " + f.getString("code") + " " + f.getString("message"));
          } else if (f.getString("clientMsgId") != null) {
            acked++; // no longer outstanding
          }
        }
        default -> { }
      }
    }

    private void onJoined(JsonObject f) {
      int r = roomNamed(f.getString("room"));
      if (r < 0) {
        return;
      }
      if (!f.getBoolean("recovering", false)) {
        if (epochs[r] != null) {
          // A rejoin with since that the gateway could not honour: the lineage changed.
          unrecovered.increment();
        }
        lastSeq[r] = f.getLong("seq", -1L);
      }
      epochs[r] = f.getString("epoch");
      if (--pendingJoins == 0 && pendingRecoveries == 0) {
        joined.tryComplete();
      }
    }

    private void onRecovered(JsonObject f) {
      if (!f.getBoolean("recovered", false)) {
        unrecovered.increment();
      }
      if (pendingRecoveries > 0 && --pendingRecoveries == 0 && pendingJoins == 0) {
        joined.tryComplete();
        if (droppedAt != 0) {
          resumeMicros.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - droppedAt) / 1000));
          resumed.increment();
          droppedAt = 0;
          attempt = 0;
        }
      }
    }

    private void onClose() {
      closes.increment();
      Short code = ws.closeStatusCode();
      if (code != null && code == SLOW_CONSUMER_CLOSE) {
        slowConsumerCloses.increment();
      }
      if (closing) {
        return;
      }
      if (survivor) {
        survivor = false;
        survivorsDropped.increment();
      }
      if (reconnectUrls.isEmpty()) {
        return;
      }
      if (droppedAt == 0) {
        droppedAt = System.nanoTime();
      }
      reconnectLater(0);
    }

    /**
     * As the SDK: a random delay of 1 to 5 s at first, then full jitter above 1 s up to
     * min(30 s, 5 s x 2^attempt), but at least {@code notBeforeMs} (a 503's Retry-After); then the
     * next gateway in the list.
     */
    private void reconnectLater(long notBeforeMs) {
      long delay = Math.max(notBeforeMs,
          reconnectDelayMs(attempt, ThreadLocalRandom.current().nextDouble(), reconnectMinMs, reconnectFirstMaxMs));
      attempt++;
      vertx.setTimer(Math.max(1, delay), id -> {
        if (closing) {
          return;
        }
        reconnectAttempts.increment();
        String next = reconnectUrls.get((reconnectUrls.indexOf(url) + 1) % reconnectUrls.size());
        connect(next).onFailure(e -> {
          connectFailures.increment();
          long retryAfterMs = retryAfterMs(e);
          if (retryAfterMs > 0) {
            refused503.increment();
            retryAfterSeconds.add(retryAfterMs / 1000);
          }
          if (ws != null && !ws.isClosed()) {
            ws.close(); // connected but not resumed: its close handler schedules the next attempt
          } else {
            reconnectLater(retryAfterMs);
          }
        });
      });
    }

    boolean connected() {
      return droppedAt == 0 && ws != null && !ws.isClosed();
    }

    /** Sends the {@code tick}-th message of the schedule into one of this peer's rooms. */
    void send(long intendedNanos, long tick, int publisherCount) {
      if (!connected()) {
        return;
      }
      if (sent - acked > MAX_OUTSTANDING) {
        errors.increment(); // the server fell this far behind: the send is skipped, not queued
        errorCodes.computeIfAbsent("generator_backlog_full", c -> new LongAdder()).increment();
        return;
      }
      long n = ++sent;
      sends.increment();
      // Rooms alternate per round of the schedule, and neighbouring publishers start on different
      // rooms, so any window of sends spreads evenly over every peer's rooms.
      String room = rooms[(int) ((tick + tick / publisherCount) % rooms.length)];
      ws.writeTextMessage("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + user + "-" + n
          + "\",\"body\":{\"t\":" + intendedNanos + ",\"p\":" + n + pad + "}}");
    }
  }

  /** The SDK's reconnect delay before attempt {@code attempt} (0 = the first after a drop), for {@code random} in [0, 1). */
  static long reconnectDelayMs(int attempt, double random) {
    return reconnectDelayMs(attempt, random, RECONNECT_MIN_MS, RECONNECT_FIRST_MAX_MS);
  }

  /** The same with the SDK's options {@code reconnect.minMs} and {@code reconnect.firstMaxMs}. */
  static long reconnectDelayMs(int attempt, double random, long minMs, long firstMaxMs) {
    long cap = Math.max(minMs, Math.min(RECONNECT_MAX_MS, firstMaxMs << Math.min(attempt, 20)));
    return minMs + (long) (random * (cap - minMs));
  }

  /**
   * Reconnect delays other than the SDK's defaults (1 s, 5 s), e.g. 0 and 250 ms for the
   * load generator's behaviour before issue 10: every dropped client back within a quarter second.
   */
  /** The first reconnect's delay range, e.g. "1000-5000" (ms). */
  String firstReconnectDelayMs() {
    return reconnectMinMs + "-" + reconnectFirstMaxMs;
  }

  Population reconnectDelays(long minMs, long firstMaxMs) {
    this.reconnectMinMs = minMs;
    this.reconnectFirstMaxMs = firstMaxMs;
    return this;
  }

  /** The Retry-After (in ms) of a handshake the gateway refused with 503, or 0 for any other failure. */
  static long retryAfterMs(Throwable failure) {
    if (failure instanceof UpgradeRejectedException rejected && rejected.getStatus() == 503 && rejected.getHeaders() != null) {
      String value = rejected.getHeaders().get("Retry-After");
      if (value != null) {
        try {
          return Math.max(0, Long.parseLong(value.trim())) * 1000;
        } catch (NumberFormatException httpDate) {
          return RECONNECT_MIN_MS; // an HTTP date: the gateways do not send one; wait the SDK's floor
        }
      }
    }
    return 0;
  }

  /** Marks {@code peers} survivors (see {@link #survivorMicros}) and records their deliveries into {@code timeline}. */
  void watchSurvivors(List<Peer> peers, DeliveryTimeline timeline) {
    survivorTimeline = timeline;
    survivorMicros.reset();
    survivorSecondMicros.reset();
    survivorsDropped.reset();
    peers.forEach(p -> p.survivor = p.connected());
  }

  /** Pads every message body with {@code bytes} characters (message-size scenarios). */
  Population padding(int bytes) {
    this.pad = bytes <= 0 ? "" : ",\"pad\":\"" + "x".repeat(bytes) + "\"";
    return this;
  }

  /** Tells {@code listener} the room and wall-clock milliseconds of every ack, on the peer's event loop. */
  Population onAck(ObjLongConsumer<String> listener) {
    this.ackListener = listener;
    return this;
  }

  /** Peers that lose their connection reconnect to the next of {@code urls} and resume with {@code since}. */
  Population reconnecting(List<String> urls) {
    this.reconnectUrls = List.copyOf(urls);
    return this;
  }

  /** Connects {@code count} peers in {@code room}, spread over {@code urls}, at most 256 handshakes at once. */
  List<Peer> add(String prefix, String room, int count, List<String> urls, boolean publishers, double slowFraction) {
    int slowEvery = slowFraction > 0 ? (int) Math.round(1 / slowFraction) : 0;
    List<Peer> added = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean slow = !publishers && slowEvery > 0 && i % slowEvery == slowEvery - 1;
      added.add(new Peer(prefix + "-" + i, List.of(room), slow));
    }
    connect(added, urls, 256);
    all.addAll(added);
    (publishers ? this.publishers : members).addAll(added);
    return added;
  }

  /**
   * Connects {@code peers} (peer i to {@code urls[i % urls.size()]}) keeping at most
   * {@code concurrency} handshakes in flight; returns once every one is joined or has failed.
   */
  void connect(List<Peer> peers, List<String> urls, int concurrency) {
    Semaphore window = new Semaphore(concurrency);
    for (int i = 0; i < peers.size(); i++) {
      window.acquireUninterruptibly();
      connectHonouringRetryAfter(peers.get(i), urls.get(i % urls.size()), FIRST_CONNECT_TRIES).onComplete(ar -> {
        if (ar.failed()) {
          connectFailures.increment();
        }
        window.release();
      });
    }
    window.acquireUninterruptibly(concurrency);
  }

  /**
   * A first connection as the SDK makes it: one refused with {@code 503} is tried again after its
   * {@code Retry-After} (a gateway with {@code gateway.connectRate} set), at most {@code tries} times.
   */
  private Future<Void> connectHonouringRetryAfter(Peer peer, String url, int tries) {
    return peer.connect(url).recover(e -> {
      long ms = retryAfterMs(e);
      if (ms <= 0 || tries <= 1) {
        return Future.failedFuture(e);
      }
      return vertx.timer(ms).compose(v -> connectHonouringRetryAfter(peer, url, tries - 1));
    });
  }

  /** Adds already connected peers as members (they receive) and, if {@code publish}, as publishers. */
  void enlist(List<Peer> peers, boolean publish) {
    all.addAll(peers);
    members.addAll(peers);
    if (publish) {
      publishers.addAll(peers);
    }
  }

  /** Makes already enlisted peers publishers too. */
  void publishFrom(List<Peer> peers) {
    publishers.addAll(peers);
  }

  Peer peer(String user, List<String> rooms, boolean slow) {
    return new Peer(user, rooms, slow);
  }

  List<Peer> members() {
    return members;
  }

  int connections() {
    return all.size();
  }

  int publisherCount() {
    return publishers.size();
  }

  long slowCount() {
    return members.stream().filter(p -> p.slow).count();
  }

  /** The designated slow consumers stop reading: the server sees their sockets back up. */
  void pauseSlow() {
    members.stream().filter(p -> p.slow && p.ws != null).forEach(p -> p.ws.pause());
  }

  /** They read again, which also delivers any close frame the server sent them meanwhile. */
  void resumeSlow() {
    members.stream().filter(p -> p.slow && p.ws != null).forEach(p -> p.ws.resume());
  }

  /**
   * Starts (or changes) open-loop publishing: every publisher sends {@code rate} messages per
   * second. Sends are due on one global schedule, publisher after publisher, so the publishers'
   * sends are spread evenly and the ticker's cost does not grow with their number.
   */
  void publish(double rate) {
    stop();
    if (rate <= 0 || publishers.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    double intervalNanos = 1e9 / (rate * publishers.size());
    long[] next = {0};
    ticker = vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      for (long due = start + (long) (next[0] * intervalNanos); due <= now; due = start + (long) (next[0] * intervalNanos)) {
        publishers.get((int) (next[0] % publishers.size())).send(due, next[0], publishers.size());
        next[0]++;
      }
    });
  }

  void stop() {
    if (ticker >= 0) {
      vertx.cancelTimer(ticker);
      ticker = -1;
    }
  }

  /** Resets the counters and the latency recorder for a new measurement window. */
  void reset() {
    latencyMicros.reset();
    deliveries.reset();
    acks.reset();
    sends.reset();
    errors.reset();
    errorCodes.clear();
    gaps.reset();
    duplicates.reset();
  }

  /** Error frames seen since the last reset, by code. */
  JsonObject errorsByCode() {
    JsonObject out = new JsonObject();
    errorCodes.forEach((code, n) -> out.put(code, n.sum()));
    return out;
  }

  Histogram latencySnapshot() {
    return latencyMicros.getIntervalHistogram();
  }

  void closeAll() {
    stop();
    closing = true;
    List<Future<Void>> closed = new ArrayList<>();
    for (Peer p : all) {
      if (p.ws != null && !p.ws.isClosed()) {
        closed.add(p.ws.close());
      }
    }
    try {
      Future.join(closed).await(30, TimeUnit.SECONDS);
    } catch (Exception timedOut) {
      // best effort: the process exit closes the rest
    }
    all.clear();
    members.clear();
    publishers.clear();
  }

  private static long longAfter(String text, String key) {
    int i = text.indexOf(key);
    if (i < 0) {
      return -1;
    }
    i += key.length();
    long v = 0;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
