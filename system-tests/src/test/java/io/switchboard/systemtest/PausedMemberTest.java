package io.switchboard.systemtest;

import io.switchboard.common.shard.ShardMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member frozen longer than the failure timeout (a long GC pause, a stalled VM, a network blip)
 * is declared dead, its rooms move to the others, and when it runs again Hazelcast merges it back
 * under a new member UUID. Every room must then take joins and sends again within seconds, with
 * nothing lost, duplicated or out of order.
 */
class PausedMemberTest extends ClusterTestBase {

  private static final int ROOMS = 16;
  /** The cluster's failure timeout is 6 s (cluster.maxNoHeartbeatMs); the pause is twice that. */
  private static final Duration PAUSE = Duration.ofSeconds(12);
  private static final Duration WRITABLE_AFTER_MERGE = Duration.ofSeconds(15);

  @Test
  void aRoomServicePausedPastTheFailureTimeoutServesEveryRoomAgainSoonAfterItMergesBack() throws Exception {
    List<String> rooms = IntStream.range(0, ROOMS).mapToObj(i -> "paused-room-" + i).toList();
    ClusterHarness.Proc frozen = cluster.all(ClusterHarness.Kind.ROOM).get(0);
    List<String> roomNodes = cluster.all(ClusterHarness.Kind.ROOM).stream().map(p -> {
      try {
        return p.nodeId();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
    ShardMap shards = new ShardMap(ShardMap.DEFAULT_SHARDS);
    String frozenNode = frozen.nodeId();
    List<String> frozenRooms = rooms.stream().filter(r -> shards.ownerOf(r, roomNodes).equals(frozenNode)).toList();
    assertThat(frozenRooms).as("rooms the paused instance owns").isNotEmpty();

    ChatClient watcher = ChatClient.connect(vertx, cluster.gateway(0).wsUrl(), "watcher");
    ChatClient poster = ChatClient.connect(vertx, cluster.gateway(1).wsUrl(), "poster");
    for (String room : rooms) {
      watcher.join(room);
      poster.join(room);
    }
    Map<String, Map<String, Long>> acks = new HashMap<>();
    sendToEvery(poster, rooms, "before", Duration.ofSeconds(30), acks);

    // While it is frozen: once the others have declared it dead, its rooms are served elsewhere.
    long merged = freezeUntilMerged(frozen, () -> sendToEvery(poster, rooms, "frozen", Duration.ofSeconds(30), acks));
    long deadline = merged + WRITABLE_AFTER_MERGE.toNanos();
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

  @Test
  void aGatewayPausedPastTheFailureTimeoutDeliversToItsClientsAgainSoonAfterItMergesBack() throws Exception {
    List<String> rooms = IntStream.range(0, 8).mapToObj(i -> "paused-gateway-room-" + i).toList();
    ClusterHarness.Proc frozen = cluster.gateway(1);
    ChatClient listener = ChatClient.connect(vertx, frozen.wsUrl(), "listener");
    ChatClient poster = ChatClient.connect(vertx, cluster.gateway(0).wsUrl(), "poster");
    for (String room : rooms) {
      listener.join(room);
      poster.join(room);
    }
    Map<String, Map<String, Long>> acks = new HashMap<>();
    sendToEvery(poster, rooms, "before", Duration.ofSeconds(30), acks);

    // While it is frozen (and once the cluster has dropped it), the rooms go on without it.
    long merged = freezeUntilMerged(frozen, () -> {
      Thread.sleep(PAUSE.toMillis() / 2);
      sendToEvery(poster, rooms, "frozen", Duration.ofSeconds(30), acks);
    });
    long deadline = merged + WRITABLE_AFTER_MERGE.toNanos();
    sendToEvery(poster, rooms, "merged", Duration.ofSeconds(15), acks);
    // Within 15 s of the merge the listener, still connected to the gateway that was frozen, has
    // every message of every room (what it missed repaired from history), in order, each once.
    for (String room : rooms) {
      Map<String, Long> roomAcks = acks.get(room);
      List<JsonObject> seen = listener.awaitMessages(room, roomAcks.size(),
          Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      assertThat(seen.stream().map(m -> m.getLong("seq")).toList()).as("what the listener of %s saw", room)
          .isEqualTo(LongStream.rangeClosed(1, roomAcks.size()).boxed().toList());
    }
    ChatClient newcomer = ChatClient.connect(vertx, frozen.wsUrl(), "newcomer-after-gateway-pause");
    for (String room : rooms) {
      joinBefore(newcomer, room, System.nanoTime() + WRITABLE_AFTER_MERGE.toNanos());
    }
    for (String room : rooms) {
      assertRoomHoldsExactly(room, acks.get(room));
    }
    newcomer.close();
    listener.close();
    poster.close();
  }

  /** What a test does while a process is frozen. */
  @FunctionalInterface
  private interface WhileFrozen {
    void run() throws Exception;
  }

  /**
   * Freezes {@code p} (SIGSTOP) for {@link #PAUSE}, running {@code meanwhile} in that time, lets it
   * run again and waits until it has merged back into the cluster.
   *
   * @return when the merge was seen ({@link System#nanoTime()})
   */
  private static long freezeUntilMerged(ClusterHarness.Proc p, WhileFrozen meanwhile) throws Exception {
    cluster.pause(p);
    long pausedAt = System.nanoTime();
    meanwhile.run();
    Thread.sleep(Math.max(0, PAUSE.toMillis() - (System.nanoTime() - pausedAt) / 1_000_000));
    cluster.resume(p);
    return cluster.awaitLog(p, "merged back into the cluster", Duration.ofSeconds(120));
  }

  /** One message to each room, retried on temporary errors; records its ack as {@code poster/<id>}. */
  private static void sendToEvery(ChatClient poster, List<String> rooms, String phase, Duration timeout,
                                  Map<String, Map<String, Long>> acks) throws Exception {
    for (String room : rooms) {
      String id = phase + "-" + room;
      long seq = poster.sendAll(room, List.of(id), timeout).get(id);
      acks.computeIfAbsent(room, r -> new HashMap<>()).put("poster/" + id, seq);
    }
  }

  /** Joins, retrying a refused join (a room briefly without an owner) until {@code deadline}. */
  private static void joinBefore(ChatClient client, String room, long deadline) throws Exception {
    List<String> refusals = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      JsonObject reply = client.request(new JsonObject().put("type", "join").put("room", room));
      if ("joined".equals(reply.getString("type"))) {
        return;
      }
      refusals.add(reply.getString("code"));
      Thread.sleep(200);
    }
    throw new AssertionError("room " + room + " refused joins until the deadline: " + refusals);
  }
}
