package io.switchboard.bench;

import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.history.store.PgMessageStore;
import io.switchboard.history.store.PgOptions;
import io.switchboard.history.store.SqliteMessageStore;
import io.switchboard.history.store.SqliteOptions;
import io.switchboard.room.sequencer.RoomSequencer;
import io.switchboard.room.sequencer.SequencerOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Durable acknowledged messages per second through the real write path, without the network:
 * {@code rooms x senders} concurrent senders, each keeping {@code window} sends outstanding, go
 * through one {@link RoomSequencer} per room (one batch in flight per room, group commit) into
 * the chosen store. A send counts when its ack arrives, that is after the commit.
 *
 * <pre>java -cp bench/target/bench.jar io.switchboard.bench.StoreBench --store sqlite --rooms 64 --senders 4</pre>
 *
 * Prints one JSON line with the result.
 */
public final class StoreBench {

  private static final Logger log = LoggerFactory.getLogger(StoreBench.class);

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();
  private final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
  private boolean measuring;
  private boolean stopped;
  private long acked;

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    StoreBench bench = new StoreBench();
    try {
      JsonObject result = bench.run(args.string("store", "sqlite"), args.integer("rooms", 64),
          args.integer("senders", 4), args.integer("window", 8), args.integer("seconds", 10),
          args.integer("warmup", 3), args);
      log.info("result {}", result.encode());
      Files.writeString(Path.of(args.string("out", "/dev/stdout")), result.encode() + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } finally {
      bench.vertx.close().await();
    }
  }

  private JsonObject run(String storeKind, int rooms, int senders, int window, int seconds, int warmup, Args args)
      throws Exception {
    Path dir = Files.createTempDirectory("sb-store-bench");
    MessageStore store = switch (storeKind) {
      case "memory" -> new InMemoryMessageStore();
      case "sqlite" -> SqliteMessageStore.open(vertx, new SqliteOptions(dir.resolve("bench.db").toString(),
          args.string("synchronous", "FULL"), 2, 8192)).await();
      case "postgres" -> PgMessageStore.open(vertx, new PgOptions(args.string("pg-host", "127.0.0.1"), 5432,
          args.string("pg-database", "test"), "postgres", "", "sb_bench", 8)).await();
      default -> throw new IllegalArgumentException("--store memory|sqlite|postgres");
    };
    String runId = UUID.randomUUID().toString().substring(0, 8);
    CompletableFuture<Void> started = new CompletableFuture<>();
    loop.runOnContext(v -> {
      SequencerOptions options = SequencerOptions.defaults();
      for (int r = 0; r < rooms; r++) {
        RoomSequencer room = new RoomSequencer("bench-" + runId + "-" + r, store, (subs, rm, ep, msgs) -> { },
            options, vertx, System::currentTimeMillis, LogLimiter.perMinute(10));
        for (int s = 0; s < senders; s++) {
          String sender = "sender-" + s;
          for (int w = 0; w < window; w++) {
            sendLoop(room, sender, new long[] {w * 1_000_000_000L});
          }
        }
      }
      started.complete(null);
    });
    started.get();
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    long t0 = onLoop(() -> {
      measuring = true;
      acked = 0;
      latencyMicros.reset();
      return System.nanoTime();
    });
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    JsonObject result = onLoop(() -> {
      measuring = false;
      stopped = true;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      return new JsonObject()
          .put("bench", "store").put("store", storeKind).put("rooms", rooms).put("senders", rooms * senders)
          .put("window", window).put("seconds", Math.round(elapsed * 10) / 10.0)
          .put("ackedPerSecond", Math.round(acked / elapsed))
          .put("ackP50ms", latencyMicros.getValueAtPercentile(50) / 1000.0)
          .put("ackP99ms", latencyMicros.getValueAtPercentile(99) / 1000.0)
          .put("ackMaxMs", latencyMicros.getMaxValue() / 1000.0);
    });
    Thread.sleep(500);
    if (store instanceof SqliteMessageStore s) {
      s.close().await();
    } else if (store instanceof PgMessageStore p) {
      p.close().await();
    }
    return result;
  }

  /** One outstanding send slot: send, and on its ack record the latency and send the next. */
  private void sendLoop(RoomSequencer room, String sender, long[] counter) {
    if (stopped) {
      return;
    }
    long start = System.nanoTime();
    room.send(sender, "c" + counter[0]++, new JsonObject().put("text", "benchmark message").put("n", counter[0]))
        .onComplete(ar -> {
          if (ar.succeeded() && measuring) {
            acked++;
            latencyMicros.recordValue(Math.min(latencyMicros.getHighestTrackableValue(), (System.nanoTime() - start) / 1000));
          }
          loop.runOnContext(v -> sendLoop(room, sender, counter));
        });
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> action) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        f.complete(action.call());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f.get(30, TimeUnit.SECONDS);
  }
}
