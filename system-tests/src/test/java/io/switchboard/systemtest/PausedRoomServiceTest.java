package io.switchboard.systemtest;

import io.switchboard.common.shard.ShardMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PausedMemberTest} for a room service: the shard owner of some rooms is frozen. A writer
 * per room keeps sending throughout, so the test also measures each room's write outage: a frozen
 * process answers nothing but keeps its connections open, as a vanished host or container does,
 * so its rooms are written again only once the cluster has noticed the silence and dropped it.
 */
class PausedRoomServiceTest extends PausedMemberTest {

  private static final Logger log = LoggerFactory.getLogger(PausedRoomServiceTest.class);
  /** A generous bound on each room's write outage while its owner is frozen (the target is 3 s, docs/benchmarks.md). */
  static final Duration MAX_OUTAGE = Duration.ofSeconds(10);
  static final Duration WRITER_PAUSE = Duration.ofMillis(50);

  @Test
  void aRoomServicePausedPastTheFailureTimeoutServesEveryRoomAgainSoonAfterItMergesBack() throws Exception {
    List<String> rooms = IntStream.range(0, ROOMS).mapToObj(i -> "paused-room-" + i).toList();
    ClusterHarness.Proc frozen = cluster.all(ClusterHarness.Kind.ROOM).get(0);
    List<String> roomNodes = new ArrayList<>();
    for (ClusterHarness.Proc p : cluster.all(ClusterHarness.Kind.ROOM)) {
      roomNodes.add(p.nodeId());
    }
    ShardMap shards = new ShardMap(ShardMap.DEFAULT_SHARDS);
    String frozenNode = frozen.nodeId();
    List<String> frozenRooms = rooms.stream().filter(r -> shards.ownerOf(r, roomNodes).equals(frozenNode)).toList();
    assertThat(frozenRooms).as("rooms the paused instance owns").isNotEmpty();

    ChatClient watcher = joinedTo(rooms, cluster.gateway(0).wsUrl(), "watcher");
    ChatClient poster = joinedTo(rooms, cluster.gateway(1).wsUrl(), "poster");
    Map<String, Map<String, Long>> acks = new HashMap<>();
    sendToEvery(poster, rooms, "before", Duration.ofSeconds(30), acks);
    Map<String, SteadySenders> writers = startWriters(rooms);

    // While it is frozen: once the others have declared it dead, its rooms are served elsewhere.
    long[] detectedAt = new long[1];
    Freeze freeze = freezeUntilMerged(frozen, () -> {
      detectedAt[0] = cluster.awaitLog(cluster.gateway(0), "cluster member left", Duration.ofSeconds(30));
      sendToEvery(poster, rooms, "frozen", Duration.ofSeconds(30), acks);
    });
    long deadline = freeze.mergedAt() + WRITABLE_AFTER_MERGE.toNanos();
    // Within 15 s of the merge: a new client on each gateway can join every room, and every room acks.
    for (ClusterHarness.Proc gateway : cluster.all(ClusterHarness.Kind.GATEWAY)) {
      ChatClient newcomer = ChatClient.connect(vertx, gateway.wsUrl(), "newcomer-" + gateway.name);
      for (String room : rooms) {
        joinBefore(newcomer, room, deadline);
      }
      newcomer.close();
    }
    sendToEvery(poster, rooms, "merged", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), acks);
    assertThat(System.nanoTime()).as("every room writable within %s of the merge", WRITABLE_AFTER_MERGE)
        .isLessThanOrEqualTo(deadline);
    // The merged instance owns its rooms again and sequences them (a room it owns acks at the next seq).
    sendToEvery(poster, frozenRooms, "owner-back", Duration.ofSeconds(15), acks);
    long stoppedAt = System.nanoTime();
    for (Map.Entry<String, SteadySenders> w : writers.entrySet()) {
      acks.get(w.getKey()).putAll(w.getValue().stop());
    }

    Map<String, Long> whileFrozen = new TreeMap<>();
    Map<String, Long> atMerge = new TreeMap<>();
    for (String room : rooms) {
      SteadySenders w = writers.get(room);
      whileFrozen.put(room, longestSilenceMillis(w, freeze.frozenAt(), freeze.resumedAt()));
      atMerge.put(room, longestSilenceMillis(w, freeze.resumedAt(), stoppedAt));
    }
    log.atInfo().addKeyValue("detectedMs", (detectedAt[0] - freeze.frozenAt()) / 1_000_000)
        .addKeyValue("frozenOwnerRoomsMs", frozenRooms.stream().map(whileFrozen::get).toList())
        .addKeyValue("otherRoomsMaxMs", rooms.stream().filter(r -> !frozenRooms.contains(r)).mapToLong(whileFrozen::get)
            .max().orElse(0))
        .addKeyValue("afterResumeMaxMs", atMerge.values().stream().mapToLong(Long::longValue).max().orElse(0))
        .log("write outage of a silent room service: from the freeze to each room's next ack");
    assertThat(whileFrozen).as("each room's longest time without an ack while a room service was frozen, ms")
        .allSatisfy((room, ms) -> assertThat(ms).isLessThanOrEqualTo(MAX_OUTAGE.toMillis()));

    for (String room : rooms) {
      Map<String, Long> roomAcks = acks.get(room);
      List<JsonObject> seen = watcher.awaitMessages(room, roomAcks.size(), Duration.ofSeconds(30));
      assertThat(seen.stream().map(m -> m.getLong("seq")).toList()).as("what the watcher of %s saw", room)
          .isEqualTo(LongStream.rangeClosed(1, roomAcks.size()).boxed().toList());
      assertRoomHoldsExactly(room, roomAcks);
    }
    watcher.close();
    poster.close();
  }

  /** One writer per room, on alternating gateways, each with a few acks behind it before this returns. */
  private static Map<String, SteadySenders> startWriters(List<String> rooms) throws Exception {
    Map<String, SteadySenders> writers = new HashMap<>();
    List<String> gateways = gateways();
    for (int i = 0; i < rooms.size(); i++) {
      List<String> firstChoice = List.of(gateways.get(i % gateways.size()));
      writers.put(rooms.get(i), new SteadySenders(vertx, firstChoice, rooms.get(i), 1, WRITER_PAUSE));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (writers.values().stream().anyMatch(w -> w.ackTimes.size() < 3)) {
      assertThat(System.nanoTime()).as("every writer acknowledged within 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
    return writers;
  }

  /**
   * The longest time, in ms, the writer's room went without an ack between {@code from} and the
   * first ack after {@code to}: from {@code from} (or an ack after it) to the next ack.
   */
  private static long longestSilenceMillis(SteadySenders writer, long from, long to) {
    List<Long> times = writer.ackTimes.stream().sorted().toList();
    long longest = 0;
    long previous = from;
    for (long t : times) {
      if (t > from) {
        longest = Math.max(longest, t - previous);
        previous = t;
        if (t > to) {
          break;
        }
      }
    }
    return longest / 1_000_000;
  }
}
