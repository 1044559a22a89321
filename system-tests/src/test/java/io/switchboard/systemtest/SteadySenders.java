package io.switchboard.systemtest;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients that keep sending to one room at a steady pace, one message at a time, each retried with
 * the same {@code clientMsgId} until acknowledged, like the SDK. Records every ack.
 */
final class SteadySenders implements AutoCloseable {

  private final AtomicBoolean stop = new AtomicBoolean();
  private final ExecutorService pool;
  private final List<Future<?>> running = new ArrayList<>();
  /** {@code sender/clientMsgId} to acked seq. */
  final Map<String, Long> acks = new ConcurrentHashMap<>();
  /** When each ack arrived ({@link System#nanoTime()}), in the order the senders recorded them. */
  final Queue<Long> ackTimes = new ConcurrentLinkedQueue<>();

  SteadySenders(Vertx vertx, List<String> gatewayUrls, String room, int senders, Duration pause) {
    pool = Executors.newFixedThreadPool(senders);
    for (int s = 0; s < senders; s++) {
      String user = room + "-sender-" + s;
      String url = gatewayUrls.get(s % gatewayUrls.size());
      running.add(pool.submit(() -> {
        try (ChatClient c = ChatClient.connect(vertx, url, user)) {
          c.join(room);
          for (int k = 0; !stop.get(); k++) {
            String id = "m" + k;
            acks.put(user + "/" + id, c.sendAll(room, List.of(id), Duration.ofSeconds(60)).get(id));
            ackTimes.add(System.nanoTime());
            Thread.sleep(pause.toMillis());
          }
        }
        return null;
      }));
    }
  }

  /** Stops sending and waits for the last messages to be acknowledged; rethrows a sender's failure. */
  Map<String, Long> stop() throws Exception {
    stop.set(true);
    for (Future<?> f : running) {
      f.get();
    }
    return Map.copyOf(acks);
  }

  @Override
  public void close() {
    stop.set(true);
    pool.shutdownNow();
  }
}
