package io.switchboard.systemtest;

import io.switchboard.common.shard.ShardMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PausedMemberTest} for a room service: the shard owner of some rooms is frozen. */
class PausedRoomServiceTest extends PausedMemberTest {

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

    ChatClient watcher = joinedTo(rooms, cluster.gateway(0).wsUrl(), "watcher");
    ChatClient poster = joinedTo(rooms, cluster.gateway(1).wsUrl(), "poster");
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
}
