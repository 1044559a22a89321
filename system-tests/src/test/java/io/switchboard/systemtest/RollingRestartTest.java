package io.switchboard.systemtest;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling restart of every service, one process at a time with SIGTERM (as {@code ./switchboard
 * restart} and orchestrators do), while clients that follow the SDK's rules keep sending to many
 * rooms through both gateways: nothing is lost, duplicated or skipped, no send fails, and the only
 * thing a client notices is being asked to reconnect (4000) by a gateway that drains.
 *
 * <p>The history service runs on its embedded store, one instance: while it restarts, no message can
 * be committed. Sends wait (the gateway may answer a temporary {@code timeout} meanwhile, which the
 * SDK retries with the same {@code clientMsgId}) and succeed once it is back. Every other restart
 * must go unnoticed: a room service hands its shards over before it leaves, so no send times out.
 */
class RollingRestartTest extends ClusterTestBase {

  private static final Logger log = LoggerFactory.getLogger(RollingRestartTest.class);

  private static final int ROOMS = 24;
  private static final int CLIENTS = 8;
  /** Each client sends to this many rooms, one message at a time per room: every room has one sender. */
  private static final int ROOMS_PER_SENDER = ROOMS / CLIENTS;
  private static final long PAUSE_MS = 100;
  /** Reconnect delays, shorter than the SDK's 1-5 s to keep the test short; spread all the same. */
  private static final long[] RECONNECT_MS = {200, 1000};
  private static final Duration SETTLE = Duration.ofSeconds(3);

  private final AtomicReference<String> phase = new AtomicReference<>("warm-up");
  /** Per room: sender/clientMsgId to acked seq. */
  private final Map<String, Map<String, Long>> acks = new ConcurrentHashMap<>();
  /** Per room: each ack as {sent, acked}, wall-clock ms (to compare with the processes' logs). */
  private final Map<String, List<long[]>> ackTimes = new ConcurrentHashMap<>();

  @Test
  void restartingEveryServiceOneAtATimeUnderLoadLosesDuplicatesSkipsAndFailsNothing() throws Exception {
    List<String> rooms = IntStream.range(0, ROOMS).mapToObj(i -> "rolling-" + i).toList();
    List<String> urls = gateways();
    List<SdkClient> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(new SdkClient(vertx, urls, c % urls.size(), "user-" + c, rooms, RECONNECT_MS, phase::get));
    }
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch lanesDone = new CountDownLatch(ROOMS);
    for (int r = 0; r < ROOMS; r++) {
      sendSteadily(clients.get(r / ROOMS_PER_SENDER), "user-" + r / ROOMS_PER_SENDER, rooms.get(r), 0, stop, lanesDone);
    }

    Thread.sleep(3000);
    // Per process: the stop (SIGTERM until it exited) and the start (until ready, then a few quiet seconds).
    Map<String, long[]> windows = new LinkedHashMap<>();
    List<ClusterHarness.Proc> order = Stream.of(ClusterHarness.Kind.HISTORY, ClusterHarness.Kind.ROOM,
        ClusterHarness.Kind.PRESENCE, ClusterHarness.Kind.GATEWAY).flatMap(k -> cluster.all(k).stream()).toList();
    for (ClusterHarness.Proc p : order) {
      phase.set(p.name);
      long stopping = now();
      cluster.stop(p);
      long starting = now();
      windows.put(p.name + " stop", new long[] {stopping, starting});
      cluster.replace(p);
      Thread.sleep(SETTLE.toMillis());
      windows.put(p.name + " start", new long[] {starting, now()});
    }
    phase.set("cool-down");
    Thread.sleep(2000);
    stop.set(true);
    assertThat(lanesDone.await(60, TimeUnit.SECONDS)).as("every sender's last message acknowledged").isTrue();

    logWriteGaps(windows, clients);
    for (SdkClient c : clients) {
      assertThat(c.failedSends).as("sends that failed").isEmpty();
      assertThat(c.closeCodes).as("close codes a client saw").containsOnly((short) 4000);
      assertThat(c.refusedUpgrades).as("handshakes refused (by a draining gateway)").isSubsetOf(503);
      assertThat(c.errors.stream().filter(e -> !e.phase().startsWith("history")).map(e -> e.phase() + " " + e.frame()))
          .as("error frames outside the history service's restart").isEmpty();
      assertThat(c.errors.stream().filter(e -> !e.frame().getBoolean("temporary", false)).map(e -> e.frame().encode()))
          .as("permanent errors").isEmpty();
      assertThat(c.outOfOrder).as("deliveries out of order").isEmpty();
    }
    for (String room : rooms) {
      Map<String, Long> roomAcks = acks.get(room);
      assertThat(roomAcks.values()).as("acked seqs of %s", room)
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, roomAcks.size()).boxed().toList());
      for (SdkClient c : clients) {
        awaitDelivered(c, room, roomAcks.size());
        assertThat(c.delivered.get(room)).as("what a client saw of %s", room)
            .isEqualTo(LongStream.rangeClosed(1, roomAcks.size()).boxed().toList());
      }
      assertRoomHoldsExactly(room, roomAcks);
    }
    Future.all(clients.stream().map(SdkClient::close).toList()).await();
  }

  /** One sender's loop on one room: send, wait for the ack, pause, until told to stop. */
  private void sendSteadily(SdkClient client, String user, String room, int k, AtomicBoolean stop, CountDownLatch done) {
    if (stop.get()) {
      done.countDown();
      return;
    }
    String id = room + "." + k;
    long sent = now();
    client.send(room, id).onComplete(ar -> {
      if (ar.succeeded()) {
        acks.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).put(user + "/" + id, ar.result());
        ackTimes.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>()).add(new long[] {sent, now()});
      }
      vertx.setTimer(PAUSE_MS, t -> sendSteadily(client, user, room, k + 1, stop, done));
    });
  }

  /**
   * Logs, per stop and per start of each process, the longest time a room went without an ack (its
   * write gap: a gap counts where it overlaps most) and the slowest send, and the error frames the
   * clients got. Timing is a benchmark's to judge; the test only reports it.
   */
  private void logWriteGaps(Map<String, long[]> windows, List<SdkClient> clients) {
    Map<String, long[]> worst = new LinkedHashMap<>();
    Map<String, String> worstRoom = new LinkedHashMap<>();
    windows.keySet().forEach(w -> worst.put(w, new long[3]));
    ackTimes.forEach((room, times) -> {
      List<long[]> sorted = times.stream().sorted((a, b) -> Long.compare(a[1], b[1])).toList();
      for (int i = 1; i < sorted.size(); i++) {
        long from = sorted.get(i - 1)[1];
        long to = sorted.get(i)[1];
        String window = mostOverlapped(windows, from, to);
        if (window != null) {
          long[] w = worst.get(window);
          if (to - from > w[0]) {
            w[0] = to - from;
            w[2] = from;
            worstRoom.put(window, room);
          }
          w[1] = Math.max(w[1], to - sorted.get(i)[0]);
        }
      }
    });
    worst.forEach((window, w) -> log.atInfo().addKeyValue("step", window)
        .addKeyValue("windowMs", windows.get(window)[1] - windows.get(window)[0])
        .addKeyValue("longestWriteGapMs", w[0]).addKeyValue("room", worstRoom.getOrDefault(window, "-"))
        .addKeyValue("from", Instant.ofEpochMilli(w[2]))
        .addKeyValue("slowestSendMs", w[1]).log("write gap during a rolling restart"));
    Map<String, Long> errors = new TreeMap<>();
    clients.forEach(c -> c.errors.forEach(e -> errors.merge(e.phase() + " " + e.frame().getString("code"), 1L, Long::sum)));
    clients.forEach(c -> log.atInfo().addKeyValue("client", clients.indexOf(c)).log("slowest send: {}", c.slowest));
    log.atInfo().addKeyValue("errorFrames", errors)
        .addKeyValue("reconnects", clients.stream().mapToInt(c -> c.closeCodes.size()).sum())
        .addKeyValue("refusedUpgrades", clients.stream().mapToInt(c -> c.refusedUpgrades.size()).sum())
        .addKeyValue("failedConnects", clients.stream().mapToInt(c -> c.failedConnects.size()).sum())
        .log("what the clients noticed");
  }

  /** The window that overlaps [from, to] most, or null if none does. */
  private static String mostOverlapped(Map<String, long[]> windows, long from, long to) {
    String best = null;
    long bestOverlap = 0;
    for (Map.Entry<String, long[]> w : windows.entrySet()) {
      long overlap = Math.min(to, w.getValue()[1]) - Math.max(from, w.getValue()[0]);
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = w.getKey();
      }
    }
    return best;
  }

  private static void awaitDelivered(SdkClient c, String room, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (c.delivered.get(room).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
