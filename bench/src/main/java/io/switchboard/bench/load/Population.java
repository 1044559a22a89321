package io.switchboard.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load generator's connections: subscribers and publishers in rooms, over real WebSockets.
 * Publishers send open-loop at a constant rate; every message carries its intended send time, and
 * every delivery's latency is recorded against it (so a stall cannot hide latency). Delivery
 * frames are scanned, not parsed, to keep the generator's own cost low.
 */
final class Population {

  /** Sends outstanding per publisher beyond which further sends are skipped and counted as errors. */
  private static final int MAX_OUTSTANDING = 20_000;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final List<Peer> subscribers = new ArrayList<>();
  private final List<Peer> publishers = new ArrayList<>();

  final Recorder latencyMicros = new Recorder(TimeUnit.MINUTES.toMicros(2), 3);
  final LongAdder deliveries = new LongAdder();
  final LongAdder acks = new LongAdder();
  final LongAdder sends = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder gaps = new LongAdder();
  final LongAdder closes = new LongAdder();

  private long ticker = -1;

  Population(Vertx vertx, WebSocketClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /** A connection: says hello, joins one room, then counts what it receives. */
  final class Peer {
    final String user;
    final String room;
    final boolean slow;
    WebSocket ws;
    long lastSeq = -1;
    /** Written by the ticker and the socket's event loop; only used to bound the backlog. */
    volatile long sent;
    volatile long acked;
    private Promise<Void> joined = Promise.promise();

    Peer(String user, String room, boolean slow) {
      this.user = user;
      this.room = room;
      this.slow = slow;
    }

    Future<Void> connect(String url) {
      URI uri = URI.create(url);
      return client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath()))
          .compose(socket -> {
            ws = socket;
            ws.textMessageHandler(this::onFrame);
            ws.closeHandler(v -> closes.increment());
            ws.writeTextMessage("{\"type\":\"hello\",\"token\":\"dev:" + user + "\"}");
            ws.writeTextMessage("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            return joined.future();
          })
          .onSuccess(v -> {
            if (slow) {
              ws.pause(); // stops reading: the server sees a slow consumer
            }
          });
    }

    private void onFrame(String text) {
      if (text.startsWith("{\"type\":\"message\"")) {
        long now = System.nanoTime();
        deliveries.increment();
        long seq = longAfter(text, "\"seq\":");
        if (lastSeq >= 0 && seq != lastSeq + 1) {
          gaps.increment();
        }
        lastSeq = seq;
        long t = longAfter(text, "\"body\":{\"t\":");
        if (t > 0) {
          latencyMicros.recordValue(Math.max(0, Math.min(TimeUnit.MINUTES.toMicros(2), (now - t) / 1000)));
        }
        return;
      }
      JsonObject f = new JsonObject(text);
      switch (f.getString("type", "")) {
        case "joined" -> {
          lastSeq = f.getLong("seq", -1L);
          joined.tryComplete();
        }
        case "ack" -> {
          acked++;
          acks.increment();
        }
        case "error" -> {
          errors.increment();
          if (f.getString("clientMsgId") != null) {
            acked++; // no longer outstanding
          }
        }
        default -> { }
      }
    }

    void send(long intendedNanos) {
      if (sent - acked > MAX_OUTSTANDING) {
        errors.increment();
        return;
      }
      sent++;
      sends.increment();
      ws.writeTextMessage("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + user + "-" + sent
          + "\",\"body\":{\"t\":" + intendedNanos + ",\"p\":" + sent + "}}");
    }
  }

  /** Connects {@code count} peers in {@code room}, spread over {@code urls}, at most 256 handshakes at once. */
  List<Peer> add(String prefix, String room, int count, List<String> urls, boolean publishers, double slowFraction) {
    List<Peer> added = new ArrayList<>();
    int slowEvery = slowFraction > 0 ? (int) Math.round(1 / slowFraction) : 0;
    for (int from = 0; from < count; from += 256) {
      List<Future<Void>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 256); i++) {
        boolean slow = !publishers && slowEvery > 0 && i % slowEvery == slowEvery - 1;
        Peer p = new Peer(prefix + "-" + i, room, slow);
        batch.add(p.connect(urls.get(i % urls.size())));
        added.add(p);
      }
      Future.all(batch).await();
    }
    (publishers ? this.publishers : this.subscribers).addAll(added);
    return added;
  }

  int connections() {
    return subscribers.size() + publishers.size();
  }

  long slowCount() {
    return subscribers.stream().filter(p -> p.slow).count();
  }

  /** Starts (or changes) open-loop publishing: every publisher sends {@code rate} messages per second. */
  void publish(double rate) {
    stop();
    if (rate <= 0 || publishers.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    long[] due = new long[publishers.size()];
    double intervalNanos = 1e9 / rate;
    ticker = vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      for (int i = 0; i < publishers.size(); i++) {
        // Publishers are offset evenly inside one interval so their sends do not bunch.
        long offset = (long) (intervalNanos * i / publishers.size());
        while (start + offset + (long) (due[i] * intervalNanos) <= now) {
          publishers.get(i).send(start + offset + (long) (due[i] * intervalNanos));
          due[i]++;
        }
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
    gaps.reset();
  }

  Histogram latencySnapshot() {
    return latencyMicros.getIntervalHistogram();
  }

  void closeAll() {
    stop();
    for (Peer p : subscribers) {
      p.ws.close();
    }
    for (Peer p : publishers) {
      p.ws.close();
    }
    subscribers.clear();
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
