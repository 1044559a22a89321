package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One replay measurement: a reader joins a fresh room and leaves, a writer sends {@code missed}
 * messages (acknowledged, so durable), and the reader rejoins with {@code since}. The time runs
 * from the {@code join} frame to the {@code recovered} marker, and every missed message must have
 * arrived in order in between.
 */
public final class Replay {

  private Replay() {
  }

  /** Blocks the calling (non-event-loop) thread; returns the replay time in milliseconds. */
  public static double millis(WebSocketClient client, List<String> urls, int missed) {
    String room = "public:bench-replay-" + UUID.randomUUID().toString().substring(0, 8);
    BenchClient reader = BenchClient.connect(client, urls.get(0), "reader").await();
    String epoch = reader.join(room, null).await().getString("epoch");
    reader.close().await();

    BenchClient sender = BenchClient.connect(client, urls.get(urls.size() - 1), "writer").await();
    sender.join(room, null).await();
    for (int from = 0; from < missed; from += 500) {
      List<Future<JsonObject>> acks = new ArrayList<>();
      for (int i = from; i < Math.min(missed, from + 500); i++) {
        acks.add(sender.send(room, "r" + i, new JsonObject().put("text", "missed message " + i)));
      }
      Future.all(acks).await();
    }
    sender.close().await();

    BenchClient back = BenchClient.connect(client, urls.get(0), "reader").await();
    Promise<Long> done = Promise.promise();
    long[] next = {1};
    back.onFrame(f -> {
      if ("message".equals(f.getString("type"))) {
        if (f.getLong("seq") != next[0]++) {
          done.tryFail("out of order at " + f.getLong("seq"));
        }
      } else if ("recovered".equals(f.getString("type"))) {
        done.tryComplete(System.nanoTime());
      }
    });
    long t0 = System.nanoTime();
    back.join(room, new JsonObject().put("seq", 0).put("epoch", epoch));
    long t1 = done.future().await();
    back.close().await();
    if (next[0] - 1 != missed) {
      throw new IllegalStateException("replayed " + (next[0] - 1) + " of " + missed);
    }
    return (t1 - t0) / 1e6;
  }
}
