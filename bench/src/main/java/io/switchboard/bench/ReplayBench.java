package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end measurements against a running cluster (start one with {@code ./switchboard start}):
 *
 * <ol>
 *   <li><b>send</b>: {@code senders} WebSocket clients spread over the gateways, each in its own room,
 *       each keeping {@code window} sends outstanding for {@code seconds}: durable acknowledged
 *       messages per second over real sockets, and the ack latency.</li>
 *   <li><b>replay</b>: a client joins a room and leaves; {@code missed} messages are sent; it
 *       rejoins with {@code since} and we time from the {@code join} frame to the
 *       {@code recovered} marker (every missed message delivered, in order). Repeated {@code runs} times.</li>
 * </ol>
 *
 * Prints one JSON line per measurement.
 */
public final class ReplayBench {

  private static final Logger log = LoggerFactory.getLogger(ReplayBench.class);

  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient client = vertx.createWebSocketClient(
      new WebSocketClientOptions().setTryUsePerMessageCompression(true).setMaxConnections(10_000));
  private final List<String> urls;
  private final Path out;
  private final String storeLabel;

  private ReplayBench(List<String> urls, Path out, String storeLabel) {
    this.urls = urls;
    this.out = out;
    this.storeLabel = storeLabel;
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    ReplayBench bench = new ReplayBench(List.of(args.string("urls", "ws://127.0.0.1:8080/ws/v1,ws://127.0.0.1:8081/ws/v1").split(",")),
        Path.of(args.string("out", "/dev/stdout")), args.string("store", "?"));
    try {
      bench.send(args.integer("senders", 16), args.integer("window", 16), args.integer("seconds", 10));
      bench.replay(args.integer("missed", 5000), args.integer("runs", 5));
    } finally {
      bench.vertx.close().await();
    }
  }

  private void send(int senders, int window, int seconds) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    long[] acked = {0};
    boolean[] measuring = {false};
    boolean[] stop = {false};
    List<BenchClient> clients = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      String room = "public:bench-send-" + run + "-" + s;
      BenchClient c = BenchClient.connect(client, urls.get(s % urls.size()), "sender-" + s)
          .compose(cl -> cl.join(room, null).map(j -> cl)).await();
      clients.add(c);
      for (int w = 0; w < window; w++) {
        int slot = w;
        vertx.runOnContext(v -> sendLoop(c, room, slot * 10_000_000L, latency, acked, measuring, stop));
      }
    }
    Thread.sleep(3000);
    long t0 = System.nanoTime();
    vertx.runOnContext(v -> {
      measuring[0] = true;
      acked[0] = 0;
      latency.reset();
    });
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    Promise<JsonObject> result = Promise.promise();
    vertx.runOnContext(v -> {
      measuring[0] = false;
      stop[0] = true;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      result.complete(new JsonObject().put("bench", "e2e-send").put("senders", senders).put("window", window)
          .put("ackedPerSecond", Math.round(acked[0] / elapsed))
          .put("ackP50ms", latency.getValueAtPercentile(50) / 1000.0)
          .put("ackP99ms", latency.getValueAtPercentile(99) / 1000.0));
    });
    emit(result.future().await());
    Thread.sleep(1000);
    clients.forEach(BenchClient::close);
  }

  private void sendLoop(BenchClient c, String room, long n, Histogram latency, long[] acked, boolean[] measuring,
                        boolean[] stop) {
    if (stop[0]) {
      return;
    }
    long start = System.nanoTime();
    c.send(room, "m" + n, new JsonObject().put("text", "benchmark message " + n)).onComplete(ar -> {
      if (ar.succeeded() && measuring[0]) {
        acked[0]++;
        latency.recordValue(Math.min(latency.getHighestTrackableValue(), (System.nanoTime() - start) / 1000));
      }
      sendLoop(c, room, n + 1, latency, acked, measuring, stop);
    });
  }

  private void replay(int missed, int runs) throws Exception {
    List<Double> millis = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      millis.add(Replay.millis(client, urls, missed));
    }
    List<Double> sorted = millis.stream().sorted().toList();
    emit(new JsonObject().put("bench", "replay").put("missed", missed).put("runs", runs)
        .put("medianMs", Math.round(sorted.get(sorted.size() / 2) * 10) / 10.0)
        .put("maxMs", Math.round(sorted.get(sorted.size() - 1) * 10) / 10.0)
        .put("allMs", millis.stream().map(m -> Math.round(m * 10) / 10.0).toList()));
  }

  private void emit(JsonObject result) throws Exception {
    result.put("store", storeLabel);
    log.info("result {}", result.encode());
    Files.writeString(out, result.encode() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
