package io.switchboard.systemtest;

import io.switchboard.common.shard.ShardMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shards move when room-service instances join and leave, while clients keep sending: every room
 * stays gap-free and totally ordered, and every receiver sees exactly the acknowledged messages.
 */
class ShardRebalanceTest extends ClusterTestBase {

  private static final int ROOMS = 32;
  private static final int SENDERS = 4;

  @Test
  void roomsStayGapFreeAndOrderedWhileAThirdRoomServiceJoinsAndLaterLeaves() throws Exception {
    List<String> rooms = IntStream.range(0, ROOMS).mapToObj(i -> "shard-room-" + i).toList();
    List<ChatClient> receivers = List.of(
        ChatClient.connect(vertx, cluster.gateway(0).wsUrl(), "watcher-0"),
        ChatClient.connect(vertx, cluster.gateway(1).wsUrl(), "watcher-1"));
    for (ChatClient r : receivers) {
      for (String room : rooms) {
        r.join(room);
      }
    }
    List<String> twoNodes = List.of(cluster.all(ClusterHarness.Kind.ROOM).get(0).nodeId(),
        cluster.all(ClusterHarness.Kind.ROOM).get(1).nodeId());

    // Senders post continuously, round-robin over the rooms, each waiting for its ack.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> phase = new AtomicReference<>("before");
    Map<String, Map<String, Long>> acks = new ConcurrentHashMap<>();
    Map<String, Integer> ackedPerPhase = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
    List<Future<?>> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      senders.add(pool.submit(() -> {
        try (ChatClient c = ChatClient.connect(vertx, cluster.gateway(sender % 2).wsUrl(), "poster-" + sender)) {
          for (String room : rooms) {
            c.join(room);
          }
          for (int k = 0; !stop.get(); k++) {
            String room = rooms.get((k + sender * 7) % ROOMS);
            String id = "p" + sender + "-" + k;
            String during = phase.get();
            long seq = c.sendAll(room, List.of(id), Duration.ofSeconds(30)).get(id);
            acks.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).put("poster-" + sender + "/" + id, seq);
            ackedPerPhase.merge(during, 1, Integer::sum);
          }
        }
        return null;
      }));
    }

    Thread.sleep(3000);
    phase.set("joining");
    ClusterHarness.Proc third = cluster.start(ClusterHarness.Kind.ROOM);
    cluster.awaitReady(third);
    phase.set("after-join");
    Thread.sleep(4000);
    phase.set("leaving");
    third.process.destroy();
    third.process.waitFor();
    phase.set("after-leave");
    Thread.sleep(4000);
    stop.set(true);
    for (Future<?> f : senders) {
      f.get();
    }
    pool.shutdown();

    // Some of the rooms really moved to the third instance and back.
    ShardMap shards = new ShardMap(ShardMap.DEFAULT_SHARDS);
    List<String> threeNodes = new ArrayList<>(twoNodes);
    threeNodes.add(third.nodeId());
    List<String> moved = rooms.stream()
        .filter(r -> !shards.ownerOf(r, twoNodes).equals(shards.ownerOf(r, threeNodes))).toList();
    assertThat(moved).as("rooms whose shard moved to the new instance").isNotEmpty();
    assertThat(ackedPerPhase).as("messages acknowledged in every phase").containsKeys(
        "before", "joining", "after-join", "leaving", "after-leave");

    for (String room : rooms) {
      Map<String, Long> roomAcks = acks.getOrDefault(room, Map.of());
      int n = roomAcks.size();
      assertThat(roomAcks.values()).as("acked seqs of %s", room)
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
      for (ChatClient r : receivers) {
        List<JsonObject> got = r.awaitMessages(room, n, Duration.ofSeconds(30));
        assertThat(got.stream().map(m -> m.getLong("seq")).toList()).as("seqs of %s seen by a receiver", room)
            .isEqualTo(LongStream.rangeClosed(1, n).boxed().toList());
        Map<String, Long> seen = new HashMap<>();
        got.forEach(m -> seen.put(m.getString("sender") + "/" + m.getString("clientMsgId"), m.getLong("seq")));
        assertThat(seen).as("messages of %s match their acks", room).isEqualTo(roomAcks);
      }
    }
    receivers.forEach(ChatClient::close);
  }
}
