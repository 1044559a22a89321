package io.switchboard.systemtest;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A reader on every room through each gateway, as the SDK reads: after any close it reconnects
 * (to the same gateway, else the next) and re-joins with {@code since} its last seq, so that its
 * stream, across re-joins, must be each room's history in order with nothing missing or repeated.
 * Every message frame it was given is kept for {@link ReceiverAudit}.
 */
final class Receivers implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration CATCH_UP = Duration.ofSeconds(20);

  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Reader> readers = new ArrayList<>();
  private final ExecutorService pool;

  /** Starts the readers and returns once each has joined its room. */
  Receivers(Vertx vertx, List<String> gateways, List<String> rooms, String token) throws Exception {
    for (int g = 0; g < gateways.size(); g++) {
      for (String room : rooms) {
        readers.add(new Reader(vertx, gateways, g, room, token));
      }
    }
    try {
      for (Reader r : readers) {
        r.connect();
      }
    } catch (Exception e) {
      readers.forEach(Reader::drop);
      throw e;
    }
    pool = Executors.newFixedThreadPool(readers.size());
    readers.forEach(r -> pool.submit(r::follow));
  }

  /**
   * Waits until every reader has every message up to its room's top ({@code tops}), forcing a
   * re-join of a reader that makes no progress (a connection that went silent instead of
   * closing), then stops them all and checks each stream against the room's history.
   */
  List<ReceiverAudit> finish(Function<String, LongSupplier> tops, Function<String, Map<Long, JsonObject>> history)
      throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    boolean forced = false;
    while (System.nanoTime() < deadline && !readers.stream().allMatch(r -> r.lastSeq() >= tops.apply(r.room).getAsLong())) {
      if (!forced && System.nanoTime() > deadline - CATCH_UP.toNanos() / 2) {
        readers.stream().filter(r -> r.lastSeq() < tops.apply(r.room).getAsLong()).forEach(Reader::drop);
        forced = true;
      }
      Thread.sleep(POLL.toMillis());
    }
    close();
    List<ReceiverAudit> audits = new ArrayList<>();
    for (Reader r : readers) {
      audits.add(ReceiverAudit.of(r.name(), r.firstSeq, r.received(), history.apply(r.room), tops.apply(r.room).getAsLong(), r.rejoins));
    }
    return audits;
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(20, TimeUnit.SECONDS);
    }
    readers.forEach(Reader::drop);
  }

  /** One reader of one room through one gateway (first), falling back to the others. */
  private final class Reader {
    private final Vertx vertx;
    private final List<String> gateways;
    private final int home;
    private final String room;
    private final String token;
    private final List<JsonObject> received = new ArrayList<>();
    private volatile ChatClient client;
    private int consumed;
    private String epoch;
    private long firstSeq = -1;
    private volatile long lastSeq;
    private int attempts;
    private int rejoins;

    Reader(Vertx vertx, List<String> gateways, int home, String room, String token) {
      this.vertx = vertx;
      this.gateways = gateways;
      this.home = home;
      this.room = room;
      this.token = token;
    }

    String name() {
      return room + " via gateway-" + (home + 1);
    }

    long lastSeq() {
      return lastSeq;
    }

    synchronized List<JsonObject> received() {
      return List.copyOf(received);
    }

    /** Joins, with {@code since} once it has an epoch; the next attempt goes to the next gateway. */
    void connect() throws Exception {
      ChatClient c = ChatClient.connectWithToken(vertx, gateways.get((home + attempts++) % gateways.size()), token);
      JsonObject join = new JsonObject().put("type", "join").put("room", room);
      if (epoch != null) {
        join.put("since", new JsonObject().put("seq", lastSeq).put("epoch", epoch));
      }
      JsonObject reply = c.request(join);
      if (!"joined".equals(reply.getString("type"))) {
        c.close();
        throw new IllegalStateException("join refused: " + reply);
      }
      if (epoch == null) {
        epoch = reply.getString("epoch");
        firstSeq = reply.getLong("seq") + 1;
        lastSeq = reply.getLong("seq");
      } else {
        rejoins++;
      }
      attempts = 0;
      synchronized (this) {
        consumed = 0;
        client = c;
      }
    }

    void follow() {
      while (!stop.get()) {
        try {
          ChatClient c = client;
          if (c == null) {
            connect();
          } else {
            drain(c);
            if (!c.isOpen()) {
              drop();
            }
          }
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          return;
        } catch (Exception closedOrRefused) {
          drop(); // retried on the next poll, through the next gateway
          try {
            Thread.sleep(POLL.toMillis() * 5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    /** Takes the client's new message frames; synchronized as the test thread may {@link #drop} a reader. */
    private synchronized void drain(ChatClient c) {
      List<JsonObject> messages = c.messages(room);
      for (JsonObject m : messages.subList(consumed, messages.size())) {
        received.add(m);
        lastSeq = Math.max(lastSeq, m.getLong("seq"));
      }
      consumed = messages.size();
    }

    void drop() {
      ChatClient c;
      synchronized (this) {
        c = client;
        client = null;
        if (c != null) {
          drain(c);
        }
      }
      if (c != null) {
        c.close();
      }
    }
  }
}
