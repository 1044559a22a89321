package io.switchboard.systemtest;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One writer per room, each its own user, sending one message at a time at a steady pace as the
 * SDK does: a send is retried with the same {@code clientMsgId} until acknowledged (temporary
 * errors by {@link ChatClient#sendAll}; a closed or silent socket by reconnecting to the next
 * gateway and re-joining with {@code since}). Records when each ack arrived, so that a room's
 * write outage around a fault can be measured.
 */
final class RoomWriters implements AutoCloseable {

  /** How long one attempt waits for its ack before the writer reconnects. */
  private static final Duration ATTEMPT = Duration.ofSeconds(20);
  /** How long a message may stay unacknowledged, retries included, before the writer gives up. */
  private static final Duration GIVE_UP = Duration.ofSeconds(60);

  /** One acknowledged message: {@code key} is {@code sender/clientMsgId}; {@code atNanos} when the ack came. */
  record Ack(String key, long seq, long atNanos) {
  }

  private final AtomicBoolean stop = new AtomicBoolean();
  private final ExecutorService pool;
  private final List<Future<?>> running = new ArrayList<>();
  private final Map<String, List<Ack>> acks = new ConcurrentHashMap<>();
  private final Map<String, Integer> reconnects = new ConcurrentHashMap<>();

  /**
   * @param tokens a token for each user
   */
  RoomWriters(Vertx vertx, List<String> gatewayUrls, List<String> rooms, Function<String, String> tokens, Duration pause) {
    pool = Executors.newFixedThreadPool(rooms.size());
    for (int i = 0; i < rooms.size(); i++) {
      String room = rooms.get(i);
      int first = i;
      acks.put(room, Collections.synchronizedList(new ArrayList<>()));
      running.add(pool.submit(() -> {
        write(vertx, gatewayUrls, first, room, tokens.apply("writer-" + room), pause);
        return null;
      }));
    }
  }

  private void write(Vertx vertx, List<String> gateways, int first, String room, String token, Duration pause) throws Exception {
    String user = "writer-" + room;
    int gateway = first;
    ChatClient c = null;
    String epoch = null;
    long lastSeq = 0;
    try {
      for (int k = 0; !stop.get(); k++) {
        String id = "m" + k;
        long giveUp = System.nanoTime() + GIVE_UP.toNanos();
        while (true) {
          try {
            if (c == null) {
              c = ChatClient.connectWithToken(vertx, gateways.get(gateway++ % gateways.size()), token);
              epoch = join(c, room, lastSeq, epoch, giveUp).getString("epoch");
            }
            long seq = c.sendAll(room, List.of(id), ATTEMPT).get(id);
            acks.get(room).add(new Ack(user + "/" + id, seq, System.nanoTime()));
            lastSeq = Math.max(lastSeq, seq);
            break;
          } catch (InterruptedException e) {
            throw e;
          } catch (Exception silentClosedOrUnreachable) {
            if (System.nanoTime() > giveUp) {
              throw new AssertionError(user + ": " + id + " unacknowledged for " + GIVE_UP, silentClosedOrUnreachable);
            }
            if (c != null) {
              c.close();
              c = null;
              reconnects.merge(room, 1, Integer::sum);
            }
          }
        }
        Thread.sleep(pause.toMillis());
      }
    } finally {
      if (c != null) {
        c.close();
      }
    }
  }

  /**
   * Joins the room, with {@code since} once the writer has an epoch (a re-join), retrying a join
   * refused with a temporary error (a room between owners) until {@code giveUp}.
   */
  private static JsonObject join(ChatClient c, String room, long since, String epoch, long giveUp) throws Exception {
    JsonObject frame = new JsonObject().put("type", "join").put("room", room);
    if (epoch != null) {
      frame.put("since", new JsonObject().put("seq", since).put("epoch", epoch));
    }
    while (true) {
      JsonObject reply = c.request(frame);
      if ("joined".equals(reply.getString("type"))) {
        return reply;
      }
      if (!reply.getBoolean("temporary", false) || System.nanoTime() > giveUp) {
        throw new AssertionError("join of " + room + " refused: " + reply);
      }
      Thread.sleep(200);
    }
  }

  /** Stops writing, waits for every writer's last ack, and rethrows a writer's failure. */
  void stop() throws Exception {
    stop.set(true);
    for (Future<?> f : running) {
      f.get();
    }
  }

  /** The room's acks so far, in arrival order. */
  List<Ack> acks(String room) {
    synchronized (acks.get(room)) {
      return List.copyOf(acks.get(room));
    }
  }

  /** The room's acks as {@code sender/clientMsgId} to seq. */
  Map<String, Long> ackedSeqs(String room) {
    Map<String, Long> out = new java.util.HashMap<>();
    acks(room).forEach(a -> out.put(a.key(), a.seq()));
    return out;
  }

  /** How many acks the room has had after {@code nanos}. */
  long acksAfter(String room, long nanos) {
    return acks(room).stream().filter(a -> a.atNanos() > nanos).count();
  }

  /**
   * The room's write outage around a fault at {@code faultNanos}: the longest time without an
   * ack from its last ack before the fault on (an ack already on its way when the fault struck
   * does not end the outage); null if it had no ack after the fault.
   */
  Duration outage(String room, long faultNanos) {
    List<Long> times = acks(room).stream().map(Ack::atNanos).sorted().toList();
    long previous = times.stream().filter(t -> t <= faultNanos).reduce((a, b) -> b).orElse(faultNanos);
    long longest = -1;
    for (long t : times) {
      if (t > faultNanos) {
        longest = Math.max(longest, t - previous);
        previous = t;
      }
    }
    return longest < 0 ? null : Duration.ofNanos(longest);
  }

  int reconnects(String room) {
    return reconnects.getOrDefault(room, 0);
  }

  @Override
  public void close() {
    stop.set(true);
    pool.shutdownNow();
  }
}
